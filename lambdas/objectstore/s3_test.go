package objectstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
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
	if in.Range == nil {
		return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(data)), ContentLength: aws.Int64(int64(len(data)))}, nil
	}
	// "bytes=a-b" or the suffix form "bytes=-n", as S3 serves them.
	var from, to int64
	size := int64(len(data))
	if n, err := fmt.Sscanf(*in.Range, "bytes=%d-%d", &from, &to); n == 2 && err == nil {
		if from >= size {
			return nil, &smithy.GenericAPIError{Code: "InvalidRange"}
		}
		to = min(to, size-1)
	} else if _, err := fmt.Sscanf(*in.Range, "bytes=-%d", &to); err == nil {
		from, to = max(size-to, 0), size-1
	} else {
		return nil, fmt.Errorf("bad range %q", *in.Range)
	}
	return &s3.GetObjectOutput{
		Body:         io.NopCloser(bytes.NewReader(data[from : to+1])),
		ContentRange: aws.String(fmt.Sprintf("bytes %d-%d/%d", from, to, size)),
	}, nil
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

func TestS3ReadRange(t *testing.T) {
	ctx := context.Background()
	client := &fakeS3{objects: map[string][]byte{"k": []byte("0123456789"), "empty": {}}}
	store := &S3{Client: client, Bucket: "b"}
	tests := []struct {
		key            string
		offset, length int64
		want           string
		size           int64
	}{
		{"k", 0, 4, "0123", 10},
		{"k", 8, 4, "89", 10},
		{"k", -3, 3, "789", 10},
		{"k", -30, 30, "0123456789", 10},
		{"k", 20, 4, "", 0},
		{"empty", 0, 4, "", 0},
	}
	for _, tt := range tests {
		got, size, err := store.ReadRange(ctx, tt.key, tt.offset, tt.length)
		if err != nil || string(got) != tt.want || (tt.want != "" && size != tt.size) {
			t.Errorf("ReadRange(%s, %d, %d) = %q, %d, %v; want %q, %d", tt.key, tt.offset, tt.length, got, size, err, tt.want, tt.size)
		}
		mem := &Memory{}
		mem.Put(tt.key, client.objects[tt.key])
		if m, _, _ := mem.ReadRange(ctx, tt.key, tt.offset, tt.length); string(m) != tt.want {
			t.Errorf("Memory.ReadRange(%s, %d, %d) = %q, want %q", tt.key, tt.offset, tt.length, m, tt.want)
		}
	}
	if _, _, err := store.ReadRange(ctx, "missing", 0, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing object: %v", err)
	}
}
