package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

//lint:file-ignore SA1019 feature/s3/manager's Uploader streams a writer of unknown length in parts; its successor, feature/s3/transfermanager, is a separate module with another API, so moving to it is a change of its own.

// S3API is the part of the S3 client the store uses.
type S3API interface {
	manager.UploadAPIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3 is a Store over one bucket. Writes stream through the SDK's multipart
// uploader, so an object of any size needs only a few parts of memory.
type S3 struct {
	Client S3API
	Bucket string
}

var _ Bucket = (*S3)(nil)

// S3Buckets opens every bucket through one client, as a handler's main
// does.
func S3Buckets(client S3API) Buckets {
	return func(name string) Bucket { return &S3{Client: client, Bucket: name} }
}

// Open implements Reader.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)})
	var missing *types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("s3://%s/%s: %w", s.Bucket, key, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}

// Create implements Writer. The upload runs while the caller writes; Close
// waits for it and reports its error, Abort cancels it.
func (s *S3) Create(ctx context.Context, key, contentType string) (io.WriteCloser, error) {
	pr, pw := io.Pipe()
	w := &s3Writer{pw: pw, done: make(chan error, 1)}
	uploader := manager.NewUploader(s.Client, func(u *manager.Uploader) {
		u.PartSize = 8 << 20
		u.Concurrency = 2
	})
	go func() {
		_, err := uploader.Upload(ctx, &s3.PutObjectInput{
			Bucket: aws.String(s.Bucket), Key: aws.String(key), Body: pr, ContentType: aws.String(contentType),
		})
		pr.CloseWithError(err) // unblocks the writer if the upload failed early
		w.done <- err
	}()
	return w, nil
}

type s3Writer struct {
	pw   *io.PipeWriter
	done chan error
}

func (w *s3Writer) Write(p []byte) (int, error) { return w.pw.Write(p) }

func (w *s3Writer) Close() error {
	w.pw.Close()
	return <-w.done
}

// Abort stops the upload; nothing is stored.
func (w *s3Writer) Abort() {
	w.pw.CloseWithError(errors.New("upload aborted"))
	<-w.done
}

// ReadRange implements RangeReader with one ranged GetObject.
func (s *S3) ReadRange(ctx context.Context, key string, offset, length int64) ([]byte, int64, error) {
	rng := fmt.Sprintf("bytes=%d-%d", offset, offset+length-1)
	if offset < 0 {
		rng = fmt.Sprintf("bytes=%d", offset) // the last -offset bytes
	}
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key), Range: aws.String(rng)},
		partialRead)
	var missing *types.NoSuchKey
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &missing):
		return nil, 0, fmt.Errorf("s3://%s/%s: %w", s.Bucket, key, ErrNotFound)
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidRange":
		// The range starts past the end; at offset 0 the object is empty.
		return nil, 0, nil
	case err != nil:
		return nil, 0, err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, max(length, -offset)))
	if err != nil {
		return nil, 0, err
	}
	return data, objectSize(aws.ToString(out.ContentRange), aws.ToInt64(out.ContentLength)), nil
}

// partialRead stops the SDK asking for the object's checksum: S3 returns
// none with a range, so it could not be checked, and the SDK would log
// that at every read.
func partialRead(o *s3.Options) {
	o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
}

// objectSize reads the total of a Content-Range ("bytes 0-99/1234"); a
// response without one carried the whole object.
func objectSize(contentRange string, contentLength int64) int64 {
	if i := strings.LastIndexByte(contentRange, '/'); i >= 0 {
		if n, err := strconv.ParseInt(contentRange[i+1:], 10, 64); err == nil {
			return n
		}
	}
	return contentLength
}
