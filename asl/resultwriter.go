package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// ResultFile is one object a Distributed Map's ResultWriter writes.
type ResultFile struct {
	Key  string
	Body []byte
}

// ResultWriteRequest asks a ResultSink to store a map run's result files
// in Bucket. The engine lays the files out as Step Functions does (see
// resultFiles); Children are the child executions they describe.
type ResultWriteRequest struct {
	Resource  string
	Bucket    string
	Files     []ResultFile
	MapRunArn string
	Children  []ChildExecution
}

// ResultSink stores the files of a Distributed Map's ResultWriter (the
// s3:putObject of each).
type ResultSink interface {
	WriteResults(ctx context.Context, req ResultWriteRequest) error
}

// Writer transformations and output types, as the developer guide's
// "ResultWriter (Map)" page lists them
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
const (
	TransformNone    = "NONE"
	TransformCompact = "COMPACT"
	TransformFlatten = "FLATTEN"
	OutputJSON       = "JSON"
	OutputJSONL      = "JSONL"
)

// writerConfig is a ResultWriter's WriterConfig as written.
type writerConfig struct {
	Transformation string `json:"Transformation"`
	OutputType     string `json:"OutputType"`
}

// mapResult is a Distributed Map's result once its children have run:
// without a ResultWriter Resource, the children's outputs (transformed by
// WriterConfig, COMPACT when absent); with one, the files written and
// {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}.
func (rt *runtime) mapResult(ctx context.Context, st *State, sc *scope, mapRunArn string, children []ChildExecution) (any, *Failure) {
	w := st.ResultWriter
	var cfg writerConfig
	if w != nil && w.WriterConfig != nil {
		if err := json.Unmarshal(w.WriterConfig, &cfg); err != nil {
			return nil, failf(ErrResultWriterFailed, "the WriterConfig of Map state %q is not valid: %v", st.Name, err)
		}
	}
	if w == nil || w.Resource == "" {
		if cfg.Transformation == "" {
			cfg.Transformation = TransformCompact // "Default when ResultWriter is not specified"
		}
		return rt.transformResults(children, cfg.Transformation, mapRunArn), nil
	}
	if cfg.Transformation == "" {
		cfg.Transformation = TransformNone // "Default when exporting ... and WriterConfig is not specified"
	}
	sink := rt.engine.opts.Results
	if sink == nil {
		return nil, failf(ErrResultWriterFailed, "Map state %q writes results to %s, but the engine has no ResultSink", st.Name, w.Resource)
	}
	var params any
	var err error
	switch {
	case st.QueryLanguage == JSONata && w.Arguments != nil:
		params, err = evalJSONataTemplate("ResultWriter.Arguments", w.Arguments, sc, rt)
	case w.Parameters != nil:
		params, err = evalTemplate("ResultWriter.Parameters", w.Parameters, sc, rt)
	}
	if err != nil {
		return nil, asFailure(err)
	}
	p, _ := params.(map[string]any)
	bucket, _ := p["Bucket"].(string)
	prefix, _ := p["Prefix"].(string)
	if bucket == "" {
		return nil, failf(ErrResultWriterFailed, "the ResultWriter of Map state %q needs a Bucket string in its Parameters (or Arguments), got %s", st.Name, truncateJSON(params, 200))
	}
	files, manifestKey := rt.resultFiles(bucket, prefix, mapRunArn, children, cfg)
	if err := sink.WriteResults(ctx, ResultWriteRequest{Resource: w.Resource, Bucket: bucket, Files: files, MapRunArn: mapRunArn, Children: children}); err != nil {
		return nil, failf(ErrResultWriterFailed, "Map state %q could not write its results: %v", st.Name, err)
	}
	return map[string]any{"MapRunArn": mapRunArn, "ResultWriterDetails": map[string]any{"Bucket": bucket, "Key": manifestKey}}, nil
}

// transformResults applies a WriterConfig Transformation to the children:
// NONE keeps each child execution's metadata, COMPACT keeps its output and
// FLATTEN also spreads an output that is an array. "If a child workflow
// execution fails, Step Functions returns its execution result unchanged",
// as NONE would.
func (rt *runtime) transformResults(children []ChildExecution, transformation, mapRunArn string) []any {
	out := make([]any, 0, len(children))
	for _, c := range children {
		switch {
		case transformation == TransformNone || c.Status != StatusSucceeded:
			out = append(out, rt.childEntry(c, mapRunArn))
		case transformation == TransformFlatten:
			if arr, ok := c.Output.([]any); ok {
				out = append(out, arr...)
			} else {
				out = append(out, c.Output)
			}
		default:
			out = append(out, c.Output)
		}
	}
	return out
}

// childEntry is a child execution as a result file lists it: the fields
// of DescribeExecution, with the input and output as JSON text.
func (rt *runtime) childEntry(c ChildExecution, mapRunArn string) map[string]any {
	childSM := strings.Replace(mapRunArn[:strings.LastIndex(mapRunArn, ":")], ":mapRun:", ":stateMachine:", 1)
	e := map[string]any{
		"ExecutionArn":    strings.Replace(childSM, ":stateMachine:", ":execution:", 1) + ":" + c.Name,
		"StateMachineArn": childSM,
		"Name":            c.Name,
		"Status":          string(c.Status),
		"Input":           toJSON(c.Input),
		"InputDetails":    map[string]any{"Included": true},
		"StartDate":       c.Start.UTC().Format(resultTime),
		"StopDate":        c.Stop.UTC().Format(resultTime),
		"RedriveCount":    0.0,
	}
	if c.Status == StatusSucceeded {
		e["Output"] = toJSON(c.Output)
		e["OutputDetails"] = map[string]any{"Included": true}
		e["RedriveStatus"] = "NOT_REDRIVABLE"
		e["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
	} else {
		e["Error"], e["Cause"] = c.Error, c.Cause
		e["RedriveStatus"] = "REDRIVABLE"
	}
	return e
}

// resultTime is how result files write a date.
const resultTime = "2006-01-02T15:04:05.000Z07:00"

// resultFiles lays out a map run's results as Step Functions exports them:
// under Prefix/<map run id>/, one file per status (SUCCEEDED_0.json,
// FAILED_0.json; PENDING stays empty once the run has ended) and a
// manifest.json that lists them:
//
//	{"DestinationBucket": "...", "MapRunArn": "...",
//	 "ResultFiles": {"FAILED": [], "PENDING": [], "SUCCEEDED": [{"Key": ".../SUCCEEDED_0.json", "Size": 2651}]}}
//
// The manifest comes last in files; its key is returned.
func (rt *runtime) resultFiles(bucket, prefix, mapRunArn string, children []ChildExecution, cfg writerConfig) ([]ResultFile, string) {
	runID := mapRunArn[strings.LastIndex(mapRunArn, ":")+1:]
	base := runID
	if p := strings.TrimSuffix(prefix, "/"); p != "" {
		base = p + "/" + runID
	}
	var succeeded, failed []ChildExecution
	for _, c := range children {
		if c.Status == StatusSucceeded {
			succeeded = append(succeeded, c)
		} else {
			failed = append(failed, c)
		}
	}
	listed := map[string][]any{"SUCCEEDED": {}, "FAILED": {}, "PENDING": {}}
	var files []ResultFile
	for _, g := range []struct {
		status   string
		children []ChildExecution
	}{{"SUCCEEDED", succeeded}, {"FAILED", failed}} {
		if len(g.children) == 0 {
			continue
		}
		body := encodeResults(rt.transformResults(g.children, cfg.Transformation, mapRunArn), cfg.OutputType)
		key := base + "/" + g.status + "_0.json"
		files = append(files, ResultFile{Key: key, Body: body})
		listed[g.status] = append(listed[g.status], map[string]any{"Key": key, "Size": float64(len(body))})
	}
	manifest, _ := marshal(map[string]any{"DestinationBucket": bucket, "MapRunArn": mapRunArn, "ResultFiles": listed})
	key := base + "/manifest.json"
	return append(files, ResultFile{Key: key, Body: manifest}), key
}

// encodeResults writes results as a JSON array, or as JSON Lines.
func encodeResults(results []any, outputType string) []byte {
	if outputType != OutputJSONL {
		b, _ := marshal(results)
		return b
	}
	var buf bytes.Buffer
	for _, r := range results {
		b, _ := marshal(r)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// mapRunArn names a map run as Step Functions does,
// arn:...:mapRun:<machine>/<label>:<id>, the label being the Map's Label
// or, without one, its name; its children run under the state machine
// arn:...:stateMachine:<machine>/<label>.
func (rt *runtime) mapRunArn(st *State) string {
	label := st.Label
	if label == "" {
		label = st.Name
	}
	return fmt.Sprintf("%s/%s:%s", replaceOnce(rt.engine.opts.StateMachineArn, ":stateMachine:", ":mapRun:"), label, rt.uuid())
}
