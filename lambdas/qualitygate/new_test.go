package qualitygate

import (
	"context"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

func TestEnvFromNamesTheMissingVariable(t *testing.T) {
	env, err := EnvFrom(func(name string) string { return map[string]string{contract.EnvWorkBucket: "work"}[name] })
	if err != nil || env.WorkBucket != "work" {
		t.Errorf("EnvFrom = %+v, %v; want the work bucket", env, err)
	}
	if _, err := EnvFrom(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), contract.EnvWorkBucket) {
		t.Errorf("EnvFrom of an empty environment = %v; want an error naming %s", err, contract.EnvWorkBucket)
	}
}

func TestNewReadsOnlyTheWorkBucket(t *testing.T) {
	stores := map[string]*objectstore.Memory{"work": {}, "other": {}}
	g, err := New(Env{WorkBucket: "work"}, Clients{S3: func(name string) objectstore.Bucket { return stores[name] }})
	if err != nil {
		t.Fatal(err)
	}
	loc := mapRun(stores["work"], batch(10, 10, 0))
	if report, err := g.Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 0.1}); err != nil || report.RowsIn != 10 {
		t.Errorf("a run in the work bucket: %+v, %v; want 10 rows read", report, err)
	}
	loc = mapRun(stores["other"], batch(10, 10, 0))
	loc.Bucket = "other"
	if _, err := g.Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 0.1}); err == nil || !strings.Contains(err.Error(), `"other" is not the workflow's work bucket`) {
		t.Errorf("a run in another bucket: %v; want it refused", err)
	}
	if _, err := New(Env{}, Clients{S3: func(name string) objectstore.Bucket { return stores[name] }}); err == nil || !strings.Contains(err.Error(), "Env.WorkBucket") {
		t.Errorf("New without a work bucket = %v; want an error naming Env.WorkBucket", err)
	}
	if _, err := New(Env{WorkBucket: "work"}, Clients{}); err == nil || !strings.Contains(err.Error(), "Clients.S3") {
		t.Errorf("New without S3 = %v; want an error naming Clients.S3", err)
	}
}
