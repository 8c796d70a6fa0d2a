package transform

import (
	"context"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

func TestEnvFromNamesEveryMissingVariable(t *testing.T) {
	vars := map[string]string{contract.EnvRawBucket: "raw", contract.EnvCuratedBucket: "curated", contract.EnvQuarantineBucket: "quarantine"}
	env, err := EnvFrom(func(name string) string { return vars[name] })
	if want := (Env{RawBucket: "raw", CuratedBucket: "curated", QuarantineBucket: "quarantine"}); err != nil || env != want {
		t.Errorf("EnvFrom = %+v, %v; want %+v", env, err, want)
	}
	_, err = EnvFrom(func(string) string { return "" })
	for name := range vars {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("EnvFrom of an empty environment = %v; want an error naming %s", err, name)
		}
	}
}

func TestNewReadsAndWritesTheEnvironmentsBuckets(t *testing.T) {
	stores := map[string]*objectstore.Memory{"raw": {}, "curated": {}, "quarantine": {}}
	clients := Clients{S3: func(name string) objectstore.Bucket { return stores[name] }}
	tr, err := New(Env{RawBucket: "raw", CuratedBucket: "curated", QuarantineBucket: "quarantine"}, clients)
	if err != nil {
		t.Fatal(err)
	}
	stores["raw"].Put("in/a.csv", []byte(header+goodCSVRow(1)+"bad,row\n"))
	res, err := tr.Handle(context.Background(), Batch{Items: []Item{{Key: "in/a.csv"}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := stores["curated"].Get(res.CuratedKey); !ok || !strings.HasPrefix(res.CuratedKey, contract.Sales.Name+"/") {
		t.Errorf("curated key %q is not in the curated bucket under %s/", res.CuratedKey, contract.Sales.Name)
	}
	if _, ok := stores["quarantine"].Get(res.QuarantineKey); !ok {
		t.Errorf("quarantine key %q is not in the quarantine bucket", res.QuarantineKey)
	}
	if _, err := New(Env{RawBucket: "raw", CuratedBucket: "curated", QuarantineBucket: "quarantine"}, Clients{}); err == nil || !strings.Contains(err.Error(), "Clients.S3") {
		t.Errorf("New without S3 = %v; want an error naming Clients.S3", err)
	}
	if _, err := New(Env{RawBucket: "raw", CuratedBucket: "curated"}, clients); err == nil || !strings.Contains(err.Error(), "Env.QuarantineBucket") {
		t.Errorf("New without a quarantine bucket = %v; want an error naming Env.QuarantineBucket", err)
	}
}
