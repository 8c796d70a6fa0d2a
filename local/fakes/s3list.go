package fakes

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ObjectCreated is an object written to a fake bucket, as S3 reports it to
// EventBridge ("Object Created").
type ObjectCreated struct {
	Bucket, Key string
	Size        int64
	// ETag is the object's entity tag, without quotes.
	ETag string
	// Reason is the API call that wrote it: PutObject, CopyObject or
	// CompleteMultipartUpload.
	Reason string
}

// created reports a write to ObjectCreated, if set.
func (a *AWS) created(bucket, key string, data []byte, reason string) {
	if f := a.ObjectCreated; f != nil {
		f(ObjectCreated{Bucket: bucket, Key: key, Size: int64(len(data)), ETag: strings.Trim(etag(data), `"`), Reason: reason})
	}
}

// BucketNames lists the buckets, sorted.
func (a *AWS) BucketNames() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return sortedKeys(a.buckets)
}

// TableNames lists the tables, sorted.
func (a *AWS) TableNames() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return sortedKeys(a.tables)
}

// serveS3Bucket answers the bucket-level requests the AWS CLI's s3
// commands make: ListBuckets (GET /), HeadBucket, GetBucketLocation and
// ListObjects (V1 and V2, with prefix, delimiter and continuation).
func (a *AWS) serveS3Bucket(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" {
		if r.Method != http.MethodGet {
			writeS3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "/")
			return
		}
		type bucket struct{ Name, CreationDate string }
		out := struct {
			XMLName xml.Name `xml:"ListAllMyBucketsResult"`
			Owner   struct{ ID string }
			Buckets []bucket `xml:"Buckets>Bucket"`
		}{}
		out.Owner.ID = Account
		for _, n := range a.BucketNames() {
			out.Buckets = append(out.Buckets, bucket{n, "2026-11-22T00:00:00.000Z"})
		}
		writeXML(w, out)
		return
	}
	b := a.existingBucket(name)
	if b == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", name)
		return
	}
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodHead:
		w.Header().Set("X-Amz-Bucket-Region", "us-east-1")
	case r.Method == http.MethodGet && q.Has("location"):
		writeXML(w, struct {
			XMLName xml.Name `xml:"LocationConstraint"`
		}{})
	case r.Method == http.MethodGet && len(q) <= 7 && !q.Has("uploads") && !q.Has("versions"):
		listObjects(w, b.List(q.Get("prefix")), name, q, func(key string) int { d, _ := b.Get(key); return len(d) }, func(key string) string { d, _ := b.Get(key); return etag(d) })
	default:
		writeS3Error(w, http.StatusNotImplemented, "NotImplemented", "the local S3 does not implement "+r.Method+" "+r.URL.RequestURI(), name)
	}
}

// listObjects answers ListObjectsV2 (list-type=2) or ListObjects over the
// sorted keys under the request's prefix.
func listObjects(w http.ResponseWriter, keys []string, bucket string, q map[string][]string, size func(string) int, tag func(string) string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	prefix, delimiter := get("prefix"), get("delimiter")
	after := get("start-after")
	if t := get("continuation-token"); t != "" {
		after = t
	}
	if m := get("marker"); m != "" {
		after = m
	}
	limit := 1000
	if n, err := strconv.Atoi(get("max-keys")); err == nil && n >= 0 && n < limit {
		limit = n
	}
	type object struct {
		Key          string
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	type commonPrefix struct{ Prefix string }
	var objects []object
	var prefixes []commonPrefix
	seen := map[string]bool{}
	truncated, last := false, ""
	sort.Strings(keys)
	for _, k := range keys {
		if k <= after {
			continue
		}
		if len(objects)+len(prefixes) == limit {
			truncated = true
			break
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				p := k[:len(prefix)+i+len(delimiter)]
				if !seen[p] {
					seen[p] = true
					prefixes = append(prefixes, commonPrefix{p})
				}
				last = k
				continue
			}
		}
		objects = append(objects, object{k, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z"), tag(k), size(k), "STANDARD"})
		last = k
	}
	out := struct {
		XMLName               xml.Name `xml:"ListBucketResult"`
		Name                  string
		Prefix                string
		Delimiter             string `xml:",omitempty"`
		MaxKeys               int
		KeyCount              int
		IsTruncated           bool
		NextContinuationToken string         `xml:",omitempty"`
		NextMarker            string         `xml:",omitempty"`
		Contents              []object       `xml:"Contents"`
		CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
	}{Name: bucket, Prefix: prefix, Delimiter: delimiter, MaxKeys: limit, KeyCount: len(objects) + len(prefixes), IsTruncated: truncated, Contents: objects, CommonPrefixes: prefixes}
	if truncated {
		if get("list-type") == "2" {
			out.NextContinuationToken = last
		} else {
			out.NextMarker = last
		}
	}
	writeXML(w, out)
}
