package objectstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// fakeS3 keeps objects written with PutObject (the uploader's path for
// objects smaller than one part) and serves them with GetObject.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte
	puts    int
}

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	data, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.objects == nil {
		f.objects = map[string][]byte{}
	}
	f.objects[aws.ToString(in.Key)] = data
	f.puts++
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, &types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(data))}, nil
}

func (f *fakeS3) UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	return nil, errors.New("not used for small objects")
}
func (f *fakeS3) CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	return nil, errors.New("not used for small objects")
}
func (f *fakeS3) CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	return nil, errors.New("not used for small objects")
}
func (f *fakeS3) AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	return &s3.AbortMultipartUploadOutput{}, nil
}

func TestS3RoundTripAndNotFound(t *testing.T) {
	ctx := context.Background()
	client := &fakeS3{}
	store := &S3{Client: client, Bucket: "b"}
	w, err := store.Create(ctx, "k/1.jsonl", "application/x-ndjson")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "hello\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rc, err := store.Open(ctx, "k/1.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	if string(got) != "hello\n" {
		t.Errorf("read back %q", got)
	}
	if _, err := store.Open(ctx, "missing"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "s3://b/missing") {
		t.Errorf("Open(missing) = %v, want ErrNotFound naming the object", err)
	}
}

func TestS3AbortStoresNothing(t *testing.T) {
	client := &fakeS3{}
	w, _ := (&S3{Client: client, Bucket: "b"}).Create(context.Background(), "k", "text/plain")
	io.WriteString(w, "partial")
	w.(interface{ Abort() }).Abort()
	if client.puts != 0 {
		t.Errorf("an aborted upload stored %d objects", client.puts)
	}
}
