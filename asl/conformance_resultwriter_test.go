package asl

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// The cases below follow the developer guide's "ResultWriter (Map)" page
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).

const resultItems = `[{"id":"a"},{"id":"fail"},{"id":"b"}]`

// resultWriterMap runs a Distributed Map over resultItems, tolerating the
// one failure, with the given ResultWriter.
func resultWriterMap(t *testing.T, writer string) (Result, *memoryS3) {
	t.Helper()
	s3 := newMemoryS3(map[string]string{"data/items.json": resultItems})
	def := distributedMap(reader("JSON", "") + `,"ToleratedFailureCount":1,"ResultWriter":` + writer)
	return runWith(t, s3, def, `{"key":"items.json"}`), s3
}

func TestResultWriterExportsToS3(t *testing.T) {
	// "Exporting to Amazon S3": Resource s3:putObject with Bucket and Prefix.
	res, s3 := resultWriterMap(t, `{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"results","Prefix":"csvProcessJobs"}}`)
	if res.Status != StatusSucceeded {
		t.Fatalf("%+v", res)
	}
	// The state's output: {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}.
	out := res.Output.(map[string]any)
	runArn, _ := out["MapRunArn"].(string)
	if !strings.HasPrefix(runArn, "arn:aws:states:us-east-1:123456789012:mapRun:StateMachine/M:") {
		t.Fatalf("MapRunArn %q", runArn)
	}
	runID := runArn[strings.LastIndex(runArn, ":")+1:]
	base := "csvProcessJobs/" + runID + "/"
	if want := map[string]any{"Bucket": "results", "Key": base + "manifest.json"}; !reflect.DeepEqual(out["ResultWriterDetails"], want) {
		t.Errorf("ResultWriterDetails %v, want %v", out["ResultWriterDetails"], want)
	}
	// manifest.json lists the result files by status.
	manifest := s3.get(t, "results/"+base+"manifest.json").(map[string]any)
	files := manifest["ResultFiles"].(map[string]any)
	if manifest["DestinationBucket"] != "results" || manifest["MapRunArn"] != runArn || len(files["PENDING"].([]any)) != 0 {
		t.Errorf("manifest %v", manifest)
	}
	for status, n := range map[string]int{"SUCCEEDED": 2, "FAILED": 1} {
		listed := files[status].([]any)
		if len(listed) != 1 || listed[0].(map[string]any)["Key"] != base+status+"_0.json" {
			t.Fatalf("%s files %v", status, listed)
		}
		entries := s3.get(t, "results/"+base+status+"_0.json").([]any)
		if len(entries) != n {
			t.Fatalf("%s_0.json has %d entries, want %d", status, len(entries), n)
		}
		if size := listed[0].(map[string]any)["Size"].(float64); int(size) != len(toJSON(entries)) {
			t.Errorf("%s_0.json listed as %v bytes, is %d", status, size, len(toJSON(entries)))
		}
		// Each entry is the child execution as DescribeExecution shows
		// it, with its input and output as JSON text.
		e := entries[0].(map[string]any)
		if e["Status"] != status || !strings.HasPrefix(e["ExecutionArn"].(string), "arn:aws:states:us-east-1:123456789012:execution:StateMachine/M:") ||
			e["StateMachineArn"] != "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine/M" || e["StartDate"] == "" || e["StopDate"] == "" {
			t.Errorf("%s entry %v", status, e)
		}
		switch status {
		case "SUCCEEDED":
			if e["Input"] != `{"id":"a"}` || e["Output"] != `{"id":"a"}` || e["RedriveStatus"] != "NOT_REDRIVABLE" {
				t.Errorf("succeeded entry %v", e)
			}
		case "FAILED":
			if e["Input"] != `{"id":"fail"}` || e["Error"] != "ItemFailed" || e["Cause"] != "the item says so" || e["Output"] != nil {
				t.Errorf("failed entry %v", e)
			}
		}
	}
}

func TestResultWriterWriterConfig(t *testing.T) {
	// "Only WriterConfig": the transformed results are the state's output.
	// COMPACT returns the outputs; a failed child stays as NONE gives it.
	res, _ := resultWriterMap(t, `{"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSON"}}`)
	got, _ := res.Output.([]any)
	if len(got) != 3 || toJSON(got[0]) != `{"id":"a"}` || toJSON(got[2]) != `{"id":"b"}` || got[1].(map[string]any)["Error"] != "ItemFailed" {
		t.Errorf("COMPACT: %s %s", toJSON(res.Output), res.Cause)
	}
	// NONE keeps each child's metadata.
	res, _ = resultWriterMap(t, `{"WriterConfig":{"Transformation":"NONE","OutputType":"JSON"}}`)
	if got, _ := res.Output.([]any); len(got) != 3 || got[0].(map[string]any)["Output"] != `{"id":"a"}` {
		t.Errorf("NONE: %s", toJSON(res.Output))
	}
	// FLATTEN spreads outputs that are arrays.
	s3 := newMemoryS3(map[string]string{"data/nested.json": `[[1,2],[3],4]`})
	def := strings.Replace(distributedMap(reader("JSON", "")+`,"ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}}`),
		`{"And":[{"Variable":"$.id","IsPresent":true},{"Variable":"$.id","StringEquals":"fail"}],"Next":"F"}`, `{"Variable":"$","IsString":true,"Next":"F"}`, 1)
	if res := runWith(t, s3, def, `{"key":"nested.json"}`); toJSON(res.Output) != `[1,2,3,4]` {
		t.Errorf("FLATTEN: %s %s", toJSON(res.Output), res.Cause)
	}
	// With Resource and Parameters too, the files hold the transformed
	// results; JSONL writes one per line.
	res, store := resultWriterMap(t, `{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"results","Prefix":"out/"},"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSONL"}}`)
	key := res.Output.(map[string]any)["ResultWriterDetails"].(map[string]any)["Key"].(string)
	succeeded := strings.Replace(key, "manifest.json", "SUCCEEDED_0.json", 1)
	store.mu.Lock()
	body := string(store.objects["results/"+succeeded])
	store.mu.Unlock()
	if !strings.HasPrefix(key, "out/") || strings.Contains(key, "//") || body != "{\"id\":\"a\"}\n{\"id\":\"b\"}\n" {
		t.Errorf("JSONL COMPACT file %s: %q", succeeded, body)
	}
}

func TestDistributedMapWithoutResultWriter(t *testing.T) {
	// Without a ResultWriter the outputs are COMPACT: the children's
	// outputs in item order.
	s3 := newMemoryS3(map[string]string{"data/items.json": `[{"id":"a"},{"id":"b"}]`})
	res := runWith(t, s3, distributedMap(reader("JSON", "")), `{"key":"items.json"}`)
	if toJSON(res.Output) != `[{"id":"a"},{"id":"b"}]` {
		t.Errorf("%s %s", toJSON(res.Output), res.Cause)
	}
	// A ResultWriter with nowhere to write fails the state as Step
	// Functions does: States.ResultWriterFailed.
	sm, err := Parse([]byte(distributedMap(reader("JSON", "") + `,"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"results"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	reg := (&Registry{}).HandleResource("arn:aws:states:::s3:getObject", s3)
	res, _, err = NewEngine(Options{Tasks: reg}).Run(context.Background(), sm, []byte(`{"key":"items.json"}`))
	if err != nil || res.Error != ErrResultWriterFailed {
		t.Errorf("no ResultSink: %+v", res)
	}
}
