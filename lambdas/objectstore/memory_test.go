package objectstore

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/sfnkit/sfnkit/internal/memstore"
)

func TestMemorySharesItsBucket(t *testing.T) {
	ctx := context.Background()
	bucket := &memstore.Bucket{}
	store := NewMemory(bucket)
	w, _ := store.Create(ctx, "out/1.jsonl", "application/x-ndjson")
	io.WriteString(w, "row\n")
	if _, ok := bucket.Get("out/1.jsonl"); ok {
		t.Error("an object appeared before its writer was closed")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := bucket.Get("out/1.jsonl"); string(got) != "row\n" {
		t.Errorf("the shared bucket holds %q; want what the store wrote", got)
	}
	bucket.Put("in/a.csv", []byte("a,1\n"))
	rc, err := store.Open(ctx, "in/a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(rc); string(got) != "a,1\n" {
		t.Errorf("the store read %q; want what the bucket holds", got)
	}
	if _, err := (&Memory{}).Open(ctx, "in/a.csv"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a zero Memory, which has a bucket of its own, opened another's object: %v", err)
	}
}
