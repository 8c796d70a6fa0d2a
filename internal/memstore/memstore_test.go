package memstore

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestBucketPutGetDelete(t *testing.T) {
	var b Bucket
	if _, ok := b.Get("missing"); ok {
		t.Error("an empty bucket found an object")
	}
	data := []byte("hello")
	b.Put("k", data)
	data[0] = 'j' // the caller's slice is not the stored object
	if got, ok := b.Get("k"); !ok || string(got) != "hello" {
		t.Errorf("Get(k) = %q, %v; want hello, true", got, ok)
	}
	b.Put("k", []byte("again"))
	if got, _ := b.Get("k"); string(got) != "again" {
		t.Errorf("after a second Put, Get(k) = %q; want again", got)
	}
	b.Delete("k")
	b.Delete("k") // a missing key is not an error
	if _, ok := b.Get("k"); ok {
		t.Error("a deleted object is still there")
	}
}

func TestBucketListsByPrefixInOrder(t *testing.T) {
	var b Bucket
	for _, k := range []string{"raw/b.csv", "raw/a.csv", "rawish", "curated/x"} {
		b.Put(k, nil)
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"raw/", []string{"raw/a.csv", "raw/b.csv"}},
		{"raw", []string{"raw/a.csv", "raw/b.csv", "rawish"}},
		{"", []string{"curated/x", "raw/a.csv", "raw/b.csv", "rawish"}},
		{"none/", []string{}},
	}
	for _, tt := range tests {
		if got := b.List(tt.prefix); !slices.Equal(got, tt.want) {
			t.Errorf("List(%q) = %q; want %q", tt.prefix, got, tt.want)
		}
	}
	if got := b.Keys(); len(got) != 4 || got[0] != "curated/x" {
		t.Errorf("Keys() = %q; want all four, sorted", got)
	}
}

func TestBucketIsSafeForConcurrentUse(t *testing.T) {
	var b Bucket
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				key := fmt.Sprintf("w%d/%d", i, j)
				b.Put(key, []byte(key))
				b.Get(key)
				b.List(fmt.Sprintf("w%d/", i))
			}
		}()
	}
	wg.Wait()
	if n := len(b.Keys()); n != 800 {
		t.Errorf("%d keys after 8 writers of 100; want 800", n)
	}
}
