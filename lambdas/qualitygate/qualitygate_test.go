package qualitygate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// mapRun writes a ResultWriter manifest and result files for the given
// batch outputs ("" for a failed batch) and returns the manifest location.
func mapRun(store *objectstore.Memory, outputs ...string) Location {
	var succeeded, failed []map[string]any
	for i, out := range outputs {
		input := fmt.Sprintf(`{"Items":[{"Key":"raw/2026-11-21/file-%d-a.csv","Size":10},{"Key":"raw/2026-11-21/file-%d-b.csv","Size":10}],"BatchInput":{"runDate":"2026-11-21"}}`, i, i)
		entry := map[string]any{"ExecutionArn": fmt.Sprintf("arn:child:%d", i), "Input": input, "Name": fmt.Sprint(i)}
		if out == "" {
			entry["Status"], entry["Error"], entry["Cause"] = "FAILED", "StorageUnavailable", "503"
			failed = append(failed, entry)
		} else {
			entry["Status"], entry["Output"] = "SUCCEEDED", out
			succeeded = append(succeeded, entry)
		}
	}
	files := map[string][]map[string]any{"SUCCEEDED": {}, "FAILED": {}, "PENDING": {}}
	for name, entries := range map[string][]map[string]any{"SUCCEEDED": succeeded, "FAILED": failed} {
		if len(entries) == 0 {
			continue
		}
		key := "map-results/run/" + name + "_0.json"
		data, _ := json.Marshal(entries)
		store.Put(key, data)
		files[name] = append(files[name], map[string]any{"Key": key, "Size": len(data)})
	}
	m, _ := json.Marshal(map[string]any{"DestinationBucket": "work", "MapRunArn": "arn:maprun", "ResultFiles": files})
	store.Put("map-results/run/manifest.json", m)
	return Location{Bucket: "work", Key: "map-results/run/manifest.json"}
}

func gate(store *objectstore.Memory) *Gate {
	return &Gate{Stores: func(bucket string) (objectstore.Reader, error) {
		if bucket != "work" {
			return nil, fmt.Errorf("bucket %q is not one the gate may read", bucket)
		}
		return store, nil
	}}
}

func batch(in, curated, quarantined int) string {
	return fmt.Sprintf(`{"objects":1,"rowsIn":%d,"rowsCurated":%d,"rowsQuarantined":%d}`, in, curated, quarantined)
}

func TestTotalsBatchesAndPasses(t *testing.T) {
	store := &objectstore.Memory{}
	loc := mapRun(store, batch(100, 98, 2), batch(50, 50, 0))
	report, err := gate(store).Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 0.05, MinRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := Report{RowsIn: 150, RowsCurated: 148, RowsQuarantined: 2, Batches: 2, RejectRatio: 2.0 / 150}
	if !reflect.DeepEqual(report, want) {
		t.Errorf("report = %+v, want %+v", report, want)
	}
}

// TestAnyFailedBatchFailsTheRun: the gate counted failed batches but passed
// the run, and their rows were counted nowhere. A failed batch's rows are
// lost rows: the run fails, naming the batch's objects, however lenient the
// reject ratio and the map's tolerated failure percentage.
func TestAnyFailedBatchFailsTheRun(t *testing.T) {
	store := &objectstore.Memory{}
	loc := mapRun(store, batch(100, 100, 0), "", batch(50, 50, 0))
	report, err := gate(store).Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 1})
	var failed *DataQualityFailed
	if !errors.As(err, &failed) {
		t.Fatalf("err = %v, report %+v; want DataQualityFailed for the failed batch", err, report)
	}
	for _, want := range []string{"1 of 3 batches failed", "raw/2026-11-21/file-1-a.csv, raw/2026-11-21/file-1-b.csv"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want it to say %q", err, want)
		}
	}
	if failed.Report.FailedBatches != 1 || len(failed.Report.FailedObjects) != 2 || failed.Report.RowsIn != 150 {
		t.Errorf("report = %+v", failed.Report)
	}
}

// TestFailedObjectsAreBounded: a run where every batch failed names the
// first maxNamedObjects objects and says there are more.
func TestFailedObjectsAreBounded(t *testing.T) {
	store := &objectstore.Memory{}
	loc := mapRun(store, make([]string, 40)...)
	_, err := gate(store).Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 1})
	var failed *DataQualityFailed
	if !errors.As(err, &failed) || len(failed.Report.FailedObjects) != maxNamedObjects || !strings.Contains(err.Error(), "40 of 40 batches failed") || !strings.Contains(err.Error(), ", …") {
		t.Errorf("err = %v", err)
	}
}

func TestFailsAboveTheRejectRatio(t *testing.T) {
	store := &objectstore.Memory{}
	loc := mapRun(store, batch(100, 80, 20))
	_, err := gate(store).Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 0.1})
	var failed *DataQualityFailed
	if !errors.As(err, &failed) || !strings.Contains(err.Error(), "20.00% of rows were rejected; at most 10.00%") {
		t.Fatalf("err = %v, want DataQualityFailed", err)
	}
	if failed.Report.RowsQuarantined != 20 {
		t.Errorf("report = %+v", failed.Report)
	}
	// Exactly at the threshold passes.
	if _, err := gate(store).Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 0.2}); err != nil {
		t.Errorf("a ratio equal to the threshold failed: %v", err)
	}
}

func TestFailsWhenTooFewRows(t *testing.T) {
	store := &objectstore.Memory{}
	loc := mapRun(store)
	_, err := gate(store).Handle(context.Background(), Input{ResultWriterDetails: &loc, MaxRejectRatio: 1, MinRows: 1})
	var failed *DataQualityFailed
	if !errors.As(err, &failed) || !strings.Contains(err.Error(), "only 0 rows were read") {
		t.Errorf("err = %v", err)
	}
}

func TestGlueSummary(t *testing.T) {
	store := &objectstore.Memory{}
	store.Put("glue/summary.json", []byte(batch(10, 9, 1)))
	loc := Location{Bucket: "work", Key: "glue/summary.json"}
	report, err := gate(store).Handle(context.Background(), Input{GlueSummary: &loc, MaxRejectRatio: 0.5})
	if err != nil || report.RowsIn != 10 || report.Batches != 1 {
		t.Errorf("report = %+v, %v", report, err)
	}
	store.Put("glue/bad.json", []byte(batch(10, 1, 1)))
	bad := Location{Bucket: "work", Key: "glue/bad.json"}
	var invalid *InvalidGateInput
	if _, err := gate(store).Handle(context.Background(), Input{GlueSummary: &bad, MaxRejectRatio: 0.5}); !errors.As(err, &invalid) {
		t.Errorf("inconsistent summary: %v", err)
	}
}

func TestRejectsBadInput(t *testing.T) {
	store := &objectstore.Memory{}
	store.Put("notjson", []byte("{"))
	store.Put("notarray.json", []byte(`{"ResultFiles":{"SUCCEEDED":[{"Key":"obj"}]}}`))
	store.Put("obj", []byte(`{"a":1}`))
	tests := []Input{
		{MaxRejectRatio: 0.1},
		{MaxRejectRatio: 1.5, ResultWriterDetails: &Location{Bucket: "work", Key: "x"}},
		{MaxRejectRatio: -0.1, ResultWriterDetails: &Location{Bucket: "work", Key: "x"}},
		{MaxRejectRatio: 0.1, ResultWriterDetails: &Location{Bucket: "work", Key: "missing"}},
		{MaxRejectRatio: 0.1, ResultWriterDetails: &Location{Bucket: "elsewhere", Key: "x"}},
		{MaxRejectRatio: 0.1, ResultWriterDetails: &Location{Bucket: "work", Key: "notjson"}},
		{MaxRejectRatio: 0.1, ResultWriterDetails: &Location{Bucket: "work", Key: "notarray.json"}},
		{MaxRejectRatio: 0.1, ResultWriterDetails: &Location{Bucket: "work", Key: "../etc"}},
		{MaxRejectRatio: 0.1, ResultWriterDetails: &Location{Bucket: "work", Key: "x"}, GlueSummary: &Location{Bucket: "work", Key: "y"}},
	}
	for _, in := range tests {
		var invalid *InvalidGateInput
		if _, err := gate(store).Handle(context.Background(), in); !errors.As(err, &invalid) {
			t.Errorf("Handle(%+v) = %v, want InvalidGateInput", in, err)
		}
	}
}
