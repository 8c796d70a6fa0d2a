package fakes

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/internal/memstore"
)

// maxObjectBytes bounds what one request may upload to the fake S3.
const maxObjectBytes = 5 << 30

// multipartUpload is an upload between CreateMultipartUpload and its
// completion or abort.
type multipartUpload struct {
	bucket, key string
	parts       map[int][]byte
}

// serveS3 answers S3's REST protocol, path style: /bucket/key.
func (a *AWS) serveS3(w http.ResponseWriter, r *http.Request) {
	bucketName, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucketName == "" || key == "" {
		a.serveS3Bucket(w, r, bucketName)
		return
	}
	bucket := a.existingBucket(bucketName)
	if bucket == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bucketName)
		return
	}
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		serveObject(w, r, bucket, key)
	case r.Method == http.MethodPut && q.Has("uploadId"):
		a.uploadPart(w, r, q.Get("uploadId"), q.Get("partNumber"))
	case r.Method == http.MethodPut:
		data, err := readBody(r)
		if err != nil {
			writeS3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error(), key)
			return
		}
		if source := r.Header.Get("X-Amz-Copy-Source"); source != "" {
			a.copyFrom(w, source, bucketName, key)
			return
		}
		bucket.Put(key, data)
		w.Header().Set("ETag", etag(data))
		a.created(bucketName, key, data, "PutObject")
	case r.Method == http.MethodPost && q.Has("uploads"):
		id := a.nextID()
		a.mu.Lock()
		if a.uploads == nil {
			a.uploads = map[string]*multipartUpload{}
		}
		a.uploads[id] = &multipartUpload{bucket: bucketName, key: key, parts: map[int][]byte{}}
		a.mu.Unlock()
		writeXML(w, struct {
			XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
			Bucket   string
			Key      string
			UploadID string `xml:"UploadId"`
		}{Bucket: bucketName, Key: key, UploadID: id})
	case r.Method == http.MethodPost && q.Has("uploadId"):
		a.completeUpload(w, r, bucket, q.Get("uploadId"))
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		a.mu.Lock()
		delete(a.uploads, q.Get("uploadId"))
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodDelete:
		bucket.Delete(key)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeS3Error(w, http.StatusNotImplemented, "NotImplemented", "the local S3 does not implement "+r.Method+" "+r.URL.RequestURI(), key)
	}
}

// copyFrom answers CopyObject: PUT with x-amz-copy-source: bucket/key.
func (a *AWS) copyFrom(w http.ResponseWriter, source, bucketName, key string) {
	if unescaped, err := url.PathUnescape(source); err == nil {
		source = unescaped
	}
	srcBucket, srcKey, _ := strings.Cut(strings.TrimPrefix(source, "/"), "/")
	from := a.existingBucket(srcBucket)
	if from == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", srcBucket)
		return
	}
	data, ok := from.Get(srcKey)
	if !ok {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", srcKey)
		return
	}
	data = append([]byte(nil), data...)
	a.existingBucket(bucketName).Put(key, data)
	writeXML(w, struct {
		XMLName      xml.Name `xml:"CopyObjectResult"`
		ETag         string
		LastModified string
	}{ETag: etag(data), LastModified: "2026-11-22T00:00:00.000Z"})
	a.created(bucketName, key, data, "CopyObject")
}

// existingBucket returns the bucket's store, or nil if no such bucket.
func (a *AWS) existingBucket(name string) *memstore.Bucket {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buckets[name]
}

// serveObject answers GetObject and HeadObject, with a single byte range
// ("bytes=a-b", "bytes=a-", "bytes=-n") as S3 serves it.
func serveObject(w http.ResponseWriter, r *http.Request, bucket *memstore.Bucket, key string) {
	data, ok := bucket.Get(key)
	if !ok {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", key)
		return
	}
	h := w.Header()
	h.Set("ETag", etag(data))
	h.Set("Last-Modified", time.Unix(0, 0).UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", "binary/octet-stream")
	status, body := http.StatusOK, data
	if rng := r.Header.Get("Range"); rng != "" {
		start, end, ok := byteRange(rng, int64(len(data)))
		if !ok {
			writeS3Error(w, http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable", key)
			return
		}
		status, body = http.StatusPartialContent, data[start:end+1]
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, len(data)))
	} else { // S3 returns the object's checksum with the whole object; the SDK checks it
		sum := crc32.ChecksumIEEE(data)
		h.Set("X-Amz-Checksum-Crc32", base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}))
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// byteRange reads a Range header against an object of size bytes and
// returns the inclusive range to serve; ok is false if it starts past the
// end.
func byteRange(header string, size int64) (start, end int64, ok bool) {
	spec, found := strings.CutPrefix(header, "bytes=")
	first, last, dash := strings.Cut(spec, "-")
	if !found || !dash || strings.Contains(spec, ",") {
		return 0, size - 1, size > 0 // S3 ignores a range it cannot parse
	}
	if first == "" { // the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		return max(size-n, 0), size - 1, true
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start >= size {
		return 0, 0, false
	}
	end = size - 1
	if last != "" {
		if e, err := strconv.ParseInt(last, 10, 64); err == nil && e < end {
			end = e
		}
	}
	return start, end, end >= start
}

func (a *AWS) uploadPart(w http.ResponseWriter, r *http.Request, uploadID, partNumber string) {
	n, err := strconv.Atoi(partNumber)
	if err != nil || n < 1 || n > 10000 {
		writeS3Error(w, http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000", partNumber)
		return
	}
	data, err := readBody(r)
	if err != nil {
		writeS3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error(), uploadID)
		return
	}
	a.mu.Lock()
	up := a.uploads[uploadID]
	if up != nil {
		up.parts[n] = data
	}
	a.mu.Unlock()
	if up == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist", uploadID)
		return
	}
	w.Header().Set("ETag", etag(data))
}

// completeUpload joins the parts the request lists, in its order, into the
// object, which only then exists.
func (a *AWS) completeUpload(w http.ResponseWriter, r *http.Request, bucket *memstore.Bucket, uploadID string) {
	var req struct {
		Parts []struct {
			PartNumber int
		} `xml:"Part"`
	}
	if err := xml.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeS3Error(w, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed", uploadID)
		return
	}
	a.mu.Lock()
	up := a.uploads[uploadID]
	delete(a.uploads, uploadID)
	a.mu.Unlock()
	if up == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist", uploadID)
		return
	}
	sort.SliceStable(req.Parts, func(i, j int) bool { return req.Parts[i].PartNumber < req.Parts[j].PartNumber })
	var object bytes.Buffer
	for _, p := range req.Parts {
		part, ok := up.parts[p.PartNumber]
		if !ok {
			writeS3Error(w, http.StatusBadRequest, "InvalidPart", fmt.Sprintf("part %d was not uploaded", p.PartNumber), uploadID)
			return
		}
		object.Write(part)
	}
	bucket.Put(up.key, object.Bytes())
	a.created(up.bucket, up.key, object.Bytes(), "CompleteMultipartUpload")
	writeXML(w, struct {
		XMLName xml.Name `xml:"CompleteMultipartUploadResult"`
		Bucket  string
		Key     string
		ETag    string
	}{Bucket: up.bucket, Key: up.key, ETag: etag(object.Bytes())})
}

// readBody reads an upload, decoding the aws-chunked framing the SDK uses
// when it streams a checksum in trailers.
func readBody(r *http.Request) ([]byte, error) {
	body := io.LimitReader(r.Body, maxObjectBytes)
	if !strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") &&
		!strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		return io.ReadAll(body)
	}
	var out bytes.Buffer
	br := bufio.NewReader(body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("aws-chunked body: %v", err)
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || size < 0 {
			return nil, fmt.Errorf("aws-chunked body: bad chunk size %q", sizeHex)
		}
		if size == 0 { // the trailers follow; the fake keeps no checksums
			return out.Bytes(), nil
		}
		if _, err := io.CopyN(&out, br, size); err != nil {
			return nil, fmt.Errorf("aws-chunked body: %v", err)
		}
		if _, err := br.Discard(2); err != nil { // the chunk's CRLF
			return nil, fmt.Errorf("aws-chunked body: %v", err)
		}
	}
}

func etag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(v)
}

// writeS3Error writes S3's error document, from which the SDK reads the
// code (NoSuchKey becomes *types.NoSuchKey).
func writeS3Error(w http.ResponseWriter, status int, code, message, resource string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName  xml.Name `xml:"Error"`
		Code     string
		Message  string
		Resource string
	}{Code: code, Message: message, Resource: resource})
}
