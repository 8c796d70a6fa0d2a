// Package qualitygate is the ETL workflow's QualityGate step: it totals the
// rows read, curated and quarantined by every Transform batch of a run, and
// fails the run with DataQualityFailed when any batch failed (its rows are
// lost), too many rows were rejected or too few were read.
//
// With the Lambda transform it reads the Distributed Map's ResultWriter
// output (a manifest and the result files it lists); with the Glue variant
// it reads the run summary the Glue job writes.
package qualitygate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// Location names an object.
type Location struct {
	Bucket string `json:"Bucket"`
	Key    string `json:"Key"`
}

// Input is the QualityGate event.
type Input struct {
	// ResultWriterDetails is the Distributed Map's output field of that
	// name: where its manifest is. Set for the Lambda transform.
	ResultWriterDetails *Location `json:"resultWriterDetails,omitempty"`
	// GlueSummary is where the Glue job wrote its run summary (a JSON object
	// with rowsIn, rowsCurated, rowsQuarantined). Set for the Glue variant.
	GlueSummary *Location `json:"glueSummary,omitempty"`
	// MaxRejectRatio fails the run when quarantined/read exceeds it.
	MaxRejectRatio float64 `json:"maxRejectRatio"`
	// MinRows fails the run when fewer rows were read.
	MinRows int64 `json:"minRows"`
}

// Report is what QualityGate returns, and what FinishRun records.
type Report struct {
	RowsIn          int64   `json:"rowsIn"`
	RowsCurated     int64   `json:"rowsCurated"`
	RowsQuarantined int64   `json:"rowsQuarantined"`
	Batches         int     `json:"batches"`
	FailedBatches   int     `json:"failedBatches"`
	RejectRatio     float64 `json:"rejectRatio"`
	// FailedObjects are the object keys of the failed batches, at most
	// maxNamedObjects of them; their rows were counted nowhere.
	FailedObjects []string `json:"failedObjects,omitempty"`
}

// DataQualityFailed stops a run whose data is not good enough to load. The
// workflow catches it by this type name.
type DataQualityFailed struct {
	Report Report
	Reason string
}

func (e *DataQualityFailed) Error() string {
	return fmt.Sprintf("data quality gate failed: %s (read %d rows, curated %d, quarantined %d, %d of %d batches failed)",
		e.Reason, e.Report.RowsIn, e.Report.RowsCurated, e.Report.RowsQuarantined, e.Report.FailedBatches, e.Report.Batches)
}

// InvalidGateInput is an event the gate cannot act on.
type InvalidGateInput struct{ Reason string }

func (e *InvalidGateInput) Error() string { return "invalid quality gate input: " + e.Reason }

// Stores opens objects by bucket name.
type Stores func(bucket string) (objectstore.Reader, error)

// Gate is the QualityGate Lambda.
type Gate struct {
	Stores Stores
}

// Handle totals the run and applies the thresholds.
func (g *Gate) Handle(ctx context.Context, in Input) (Report, error) {
	if math.IsNaN(in.MaxRejectRatio) || in.MaxRejectRatio < 0 || in.MaxRejectRatio > 1 {
		return Report{}, &InvalidGateInput{Reason: fmt.Sprintf("maxRejectRatio %v is outside [0, 1]", in.MaxRejectRatio)}
	}
	var (
		report Report
		err    error
	)
	switch {
	case in.ResultWriterDetails != nil && in.GlueSummary == nil:
		report, err = g.fromMapResults(ctx, *in.ResultWriterDetails)
	case in.GlueSummary != nil && in.ResultWriterDetails == nil:
		report, err = g.fromGlueSummary(ctx, *in.GlueSummary)
	default:
		return Report{}, &InvalidGateInput{Reason: "exactly one of resultWriterDetails and glueSummary must be set"}
	}
	if err != nil {
		return Report{}, err
	}
	if report.RowsIn > 0 {
		report.RejectRatio = float64(report.RowsQuarantined) / float64(report.RowsIn)
	}
	switch {
	case report.FailedBatches > 0:
		// A failed batch's rows are neither curated nor quarantined: they
		// are lost, whatever share of batches the map tolerated.
		return report, &DataQualityFailed{Report: report, Reason: failedBatchesReason(report)}
	case report.RowsIn < in.MinRows:
		return report, &DataQualityFailed{Report: report, Reason: fmt.Sprintf("only %d rows were read; at least %d are expected", report.RowsIn, in.MinRows)}
	case report.RejectRatio > in.MaxRejectRatio:
		return report, &DataQualityFailed{Report: report, Reason: fmt.Sprintf("%.2f%% of rows were rejected; at most %.2f%% are allowed", 100*report.RejectRatio, 100*in.MaxRejectRatio)}
	}
	return report, nil
}

// batchResult is the part of a Transform output the gate reads.
type batchResult struct {
	RowsIn          int64 `json:"rowsIn"`
	RowsCurated     int64 `json:"rowsCurated"`
	RowsQuarantined int64 `json:"rowsQuarantined"`
}

// manifest is the ResultWriter's manifest.json.
type manifest struct {
	DestinationBucket string `json:"DestinationBucket"`
	MapRunArn         string `json:"MapRunArn"`
	ResultFiles       map[string][]struct {
		Key  string `json:"Key"`
		Size int64  `json:"Size"`
	} `json:"ResultFiles"`
}

func (g *Gate) fromMapResults(ctx context.Context, loc Location) (Report, error) {
	var m manifest
	if err := g.readJSON(ctx, loc, &m); err != nil {
		return Report{}, err
	}
	bucket := m.DestinationBucket
	if bucket == "" {
		bucket = loc.Bucket
	}
	var report Report
	for status, files := range m.ResultFiles {
		for _, f := range files {
			if err := g.eachResult(ctx, Location{Bucket: bucket, Key: f.Key}, func(r childResult) error {
				report.Batches++
				if status != "SUCCEEDED" || r.Status != "SUCCEEDED" {
					report.FailedBatches++
					report.FailedObjects = appendKeys(report.FailedObjects, r.Input)
					return nil
				}
				var b batchResult
				if err := json.Unmarshal([]byte(r.Output), &b); err != nil {
					return &InvalidGateInput{Reason: fmt.Sprintf("a batch output in %s is not a Transform result: %v", f.Key, err)}
				}
				report.RowsIn += b.RowsIn
				report.RowsCurated += b.RowsCurated
				report.RowsQuarantined += b.RowsQuarantined
				return nil
			}); err != nil {
				return Report{}, err
			}
		}
	}
	return report, nil
}

// childResult is one entry of a ResultWriter result file.
type childResult struct {
	Status string `json:"Status"`
	Input  string `json:"Input"`
	Output string `json:"Output"`
}

// maxNamedObjects bounds the failed objects a report names, so that its
// cause stays within what Step Functions keeps of an error's cause.
const maxNamedObjects = 50

// appendKeys adds the object keys of a failed batch's input (the
// ItemBatcher's {"Items": [{"Key": ...}]}) to keys, up to maxNamedObjects.
func appendKeys(keys []string, input string) []string {
	var batch struct {
		Items []struct {
			Key string `json:"Key"`
		} `json:"Items"`
	}
	if json.Unmarshal([]byte(input), &batch) != nil {
		return keys
	}
	for _, it := range batch.Items {
		if len(keys) == maxNamedObjects {
			break
		}
		keys = append(keys, it.Key)
	}
	return keys
}

// failedBatchesReason names the failed batches' objects.
func failedBatchesReason(r Report) string {
	names := strings.Join(r.FailedObjects, ", ")
	if len(r.FailedObjects) == maxNamedObjects {
		names += ", …"
	}
	if names == "" {
		names = "objects unknown: the batch inputs were not recorded"
	}
	return fmt.Sprintf("%d of %d batches failed and their rows were neither curated nor quarantined; reload after fixing the cause (objects: %s)", r.FailedBatches, r.Batches, names)
}

// eachResult streams a result file (a JSON array), one entry at a time, so
// a run of many batches needs the memory of one.
func (g *Gate) eachResult(ctx context.Context, loc Location, fn func(childResult) error) error {
	rc, err := g.open(ctx, loc)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := json.NewDecoder(rc)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return &InvalidGateInput{Reason: fmt.Sprintf("result file s3://%s/%s is not a JSON array", loc.Bucket, loc.Key)}
	}
	for dec.More() {
		var r childResult
		if err := dec.Decode(&r); err != nil {
			return &InvalidGateInput{Reason: fmt.Sprintf("result file s3://%s/%s: %v", loc.Bucket, loc.Key, err)}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (g *Gate) fromGlueSummary(ctx context.Context, loc Location) (Report, error) {
	var b batchResult
	if err := g.readJSON(ctx, loc, &b); err != nil {
		return Report{}, err
	}
	if b.RowsIn != b.RowsCurated+b.RowsQuarantined || b.RowsIn < 0 {
		return Report{}, &InvalidGateInput{Reason: fmt.Sprintf("the Glue summary's counts do not add up: %d in, %d curated, %d quarantined", b.RowsIn, b.RowsCurated, b.RowsQuarantined)}
	}
	return Report{RowsIn: b.RowsIn, RowsCurated: b.RowsCurated, RowsQuarantined: b.RowsQuarantined, Batches: 1}, nil
}

// maxSmallObject bounds the manifest and summary objects read whole.
const maxSmallObject = 1 << 20

func (g *Gate) readJSON(ctx context.Context, loc Location, v any) error {
	rc, err := g.open(ctx, loc)
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxSmallObject+1))
	if err != nil {
		return err
	}
	if len(data) > maxSmallObject {
		return &InvalidGateInput{Reason: fmt.Sprintf("s3://%s/%s is larger than %d bytes", loc.Bucket, loc.Key, maxSmallObject)}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &InvalidGateInput{Reason: fmt.Sprintf("s3://%s/%s is not the expected JSON: %v", loc.Bucket, loc.Key, err)}
	}
	return nil
}

func (g *Gate) open(ctx context.Context, loc Location) (io.ReadCloser, error) {
	if loc.Bucket == "" || loc.Key == "" || strings.Contains(loc.Key, "..") {
		return nil, &InvalidGateInput{Reason: fmt.Sprintf("location %+v is not a bucket and key", loc)}
	}
	store, err := g.Stores(loc.Bucket)
	if err != nil {
		return nil, &InvalidGateInput{Reason: err.Error()}
	}
	rc, err := store.Open(ctx, loc.Key)
	if errors.Is(err, objectstore.ErrNotFound) {
		return nil, &InvalidGateInput{Reason: err.Error()}
	}
	return rc, err
}
