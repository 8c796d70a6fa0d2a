package fakes

import (
	"context"
	"crypto/md5"
	"fmt"
	"strings"

	"github.com/sfnkit/sfnkit/asl"
)

func (a *AWS) copyObject(_ context.Context, params map[string]any) (any, error) {
	source := str(params, "CopySource")
	srcBucket, srcKey, ok := strings.Cut(strings.TrimPrefix(source, "/"), "/")
	if !ok {
		return nil, &asl.Failure{Name: "S3.InvalidRequestException", Cause: "CopySource must be bucket/key, not " + source}
	}
	data, found := a.Bucket(srcBucket).Get(srcKey)
	if !found {
		return nil, &asl.Failure{Name: "S3.NoSuchKeyException", Cause: "The specified key does not exist: " + source}
	}
	a.Bucket(str(params, "Bucket")).Put(str(params, "Key"), append([]byte(nil), data...))
	a.created(str(params, "Bucket"), str(params, "Key"), data, "CopyObject")
	return map[string]any{"CopyObjectResult": map[string]any{"ETag": fmt.Sprintf("%x", md5.Sum(data))}}, nil
}

func (a *AWS) deleteObject(_ context.Context, params map[string]any) (any, error) {
	a.Bucket(str(params, "Bucket")).Delete(str(params, "Key"))
	return map[string]any{}, nil
}

// getObject answers s3:getObject (and the Distributed Map's ItemReader,
// which the engine resolves the same way) with the object's content as
// Body, a string, as the AWS SDK integration returns it.
func (a *AWS) getObject(_ context.Context, params map[string]any) (any, error) {
	bucket, key := str(params, "Bucket"), str(params, "Key")
	data, found := a.Bucket(bucket).Get(key)
	if !found {
		return nil, &asl.Failure{Name: "S3.NoSuchKeyException", Cause: "The specified key does not exist: " + bucket + "/" + key}
	}
	return map[string]any{
		"Body": string(data), "ContentLength": float64(len(data)), "ETag": fmt.Sprintf("\"%x\"", md5.Sum(data)),
		"ContentType": "binary/octet-stream", "LastModified": "2026-11-22T00:00:00Z",
	}, nil
}

// putObject stores Body (a string as it is, anything else as JSON) under
// Bucket and Key.
func (a *AWS) putObject(_ context.Context, params map[string]any) (any, error) {
	bucket, key := str(params, "Bucket"), str(params, "Key")
	if bucket == "" || key == "" {
		return nil, &asl.Failure{Name: "S3.InvalidRequestException", Cause: "putObject needs Bucket and Key"}
	}
	data := []byte(messageText(params["Body"]))
	a.Bucket(bucket).Put(key, data)
	a.created(bucket, key, data, "PutObject")
	return map[string]any{"ETag": fmt.Sprintf("\"%x\"", md5.Sum(data))}, nil
}

// ReadItems implements asl.ItemSource for S3 listObjectsV2: the objects
// under Prefix, as ListObjectsV2 lists them.
func (a *AWS) ReadItems(_ context.Context, req asl.ItemReadRequest) ([]any, error) {
	service, action, _ := asl.TaskRequest{Resource: req.Resource}.Integration()
	if service != "s3" || action != "listObjectsV2" {
		return nil, fmt.Errorf("the fake reads items only with s3:listObjectsV2, not %s", req.Resource)
	}
	params, _ := req.Parameters.(map[string]any)
	store := a.Bucket(str(params, "Bucket"))
	prefix := str(params, "Prefix")
	var items []any
	for _, k := range store.List(prefix) {
		data, _ := store.Get(k)
		items = append(items, map[string]any{
			"Key": k, "Size": float64(len(data)), "Etag": fmt.Sprintf("\"%x\"", md5.Sum(data)),
			"LastModified": "2026-11-22T00:00:00Z", "StorageClass": "STANDARD",
		})
	}
	return items, nil
}

// WriteResults implements asl.ResultSink: it stores the result files and
// manifest the engine laid out, as s3:putObject would.
func (a *AWS) WriteResults(_ context.Context, req asl.ResultWriteRequest) error {
	store := a.Bucket(req.Bucket)
	for _, f := range req.Files {
		store.Put(f.Key, append([]byte(nil), f.Body...))
	}
	return nil
}
