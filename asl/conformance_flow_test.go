package asl

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParallel(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
	  {"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":10,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
	  {"StartAt":"B","States":{"B":{"Type":"Pass","Parameters":{"b.$":"$.in"},"End":true}}}],
	  "ResultSelector":{"first.$":"$[0]","second.$":"$[1].b"},"ResultPath":"$.out","End":true}}}`
	// Outputs come in branch order, whatever order branches finish in.
	expectOutput(t, def, `{"in":1}`, `{"in":1,"out":{"first":"a","second":1}}`, nil)

	failing := `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
	  {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}},
	  {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"BranchBroke","Cause":"b"}}}],
	  "Catch":[{"ErrorEquals":["BranchBroke"],"ResultPath":"$.err","Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}`
	res, hist := execute(t, failing, `{}`, nil)
	if res.Status != StatusSucceeded || res.Output.(map[string]any)["err"].(map[string]any)["Error"] != "BranchBroke" {
		t.Fatalf("%+v", res)
	}
	// The failed branch stops its sibling: no 100 s wait completes.
	if d := hist[len(hist)-1].Timestamp.Sub(hist[0].Timestamp); d >= 100*time.Second {
		t.Errorf("the parallel waited %v for a branch after another failed", d)
	}
}

func TestInlineMap(t *testing.T) {
	// The developer guide's ItemSelector example, with $$.Map.Item.
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.detail.shipped","MaxConcurrency":0,
	  "ItemSelector":{"parcel.$":"$$.Map.Item.Value","courier.$":"$.detail.delivery-partner","index.$":"$$.Map.Item.Index"},
	  "ItemProcessor":{"StartAt":"Ship","States":{"Ship":{"Type":"Pass","End":true}}},"ResultPath":"$.detail.shipped","End":true}}}`
	expectOutput(t, def, `{"detail":{"delivery-partner":"UQS","shipped":[{"prod":"R31"},{"prod":"S39"}]}}`,
		`{"detail":{"delivery-partner":"UQS","shipped":[{"parcel":{"prod":"R31"},"courier":"UQS","index":0},{"parcel":{"prod":"S39"},"courier":"UQS","index":1}]}}`, nil)

	expectError(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.notList","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
		`{"notList":{"a":1}}`, ErrRuntime, "not an array", nil)
	// One failed iteration fails an inline Map.
	expectError(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"OK"},"F":{"Type":"Fail","Error":"Two"},"OK":{"Type":"Succeed"}}},"End":true}}}`,
		`[1,2,3]`, "Two", "", nil)
}

func TestMapMaxConcurrency(t *testing.T) {
	var running, peak atomic.Int32
	slow := TaskFunc(func(ctx context.Context, req TaskRequest) (any, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		defer running.Add(-1)
		return req.Input, ClockFrom(ctx).Sleep(ctx, time.Second)
	})
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":3,"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `","End":true}}},"End":true}}}`
	items := make([]string, 10)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	expectOutput(t, def, "["+strings.Join(items, ",")+"]", "["+strings.Join(items, ",")+"]", (&Registry{}).HandleState("T", slow))
	if peak.Load() != 3 {
		t.Errorf("%d iterations ran at once, want MaxConcurrency 3", peak.Load())
	}
}

// memoryItems serves a Distributed Map's items and keeps its results.
type memoryItems struct {
	items   []any
	mu      sync.Mutex
	written []ResultWriteRequest
}

func (m *memoryItems) ReadItems(_ context.Context, req ItemReadRequest) ([]any, error) {
	if !strings.HasSuffix(req.Resource, "s3:listObjectsV2") {
		return nil, fmt.Errorf("unexpected reader %s", req.Resource)
	}
	return m.items, nil
}

func (m *memoryItems) WriteResults(_ context.Context, req ResultWriteRequest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.written = append(m.written, req)
	return nil
}

func TestDistributedMap(t *testing.T) {
	items := make([]any, 7)
	for i := range items {
		items[i] = map[string]any{"Key": fmt.Sprintf("raw/%d.csv", i)}
	}
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
	  "ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"raw","Prefix.$":"$.prefix"}},
	  "ItemBatcher":{"MaxItemsPerBatch":3,"BatchInput":{"runDate.$":"$.date"}},
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `","End":true}}},
	  "MaxConcurrency":2,%s"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"results","Prefix":"prefix"}},"ResultPath":"$.map","End":true}}}`
	var seen sync.Map
	count := TaskFunc(func(_ context.Context, req TaskRequest) (any, error) {
		batch := req.Input.(map[string]any)
		if batch["BatchInput"].(map[string]any)["runDate"] != "2026-11-21" {
			return nil, fmt.Errorf("BatchInput missing: %v", batch)
		}
		n := len(batch["Items"].([]any))
		seen.Store(n, true)
		if n == 1 {
			return nil, &Failure{Name: "LastBatchFails"}
		}
		return map[string]any{"count": n}, nil
	})
	reg := (&Registry{}).HandleState("T", count)
	run := func(tolerance string) (Result, *memoryItems) {
		src := &memoryItems{items: items}
		sm, err := Parse([]byte(fmt.Sprintf(def, tolerance)))
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := NewEngine(Options{Tasks: reg, Items: src, Results: src}).Run(context.Background(), sm, []byte(`{"prefix":"raw/","date":"2026-11-21"}`))
		if err != nil {
			t.Fatal(err)
		}
		return res, src
	}
	res, src := run(`"ToleratedFailureCount":1,`)
	if res.Status != StatusSucceeded {
		t.Fatalf("%+v", res)
	}
	out := res.Output.(map[string]any)["map"].(map[string]any)
	runArn := out["MapRunArn"].(string)
	manifest := "prefix/" + runArn[strings.LastIndex(runArn, ":")+1:] + "/manifest.json"
	if !strings.Contains(runArn, ":mapRun:StateMachine/M:") || !reflect.DeepEqual(out["ResultWriterDetails"], map[string]any{"Bucket": "results", "Key": manifest}) {
		t.Errorf("map output %v", out)
	}
	children := src.written[0].Children
	var sizes []int
	failed := 0
	for _, c := range children {
		if c.Status == StatusFailed {
			failed++
			continue
		}
		sizes = append(sizes, int(c.Output.(map[string]any)["count"].(float64)))
	}
	sort.Ints(sizes)
	if len(children) != 3 || !reflect.DeepEqual(sizes, []int{3, 3}) || failed != 1 {
		t.Errorf("batches: %d children, sizes %v, %d failed; want 3, 4", len(children), sizes, failed)
	}
	for _, tolerance := range []string{``, `"ToleratedFailurePercentage":30,`} {
		if res, _ := run(tolerance); res.Status != StatusFailed || res.Error != ErrExceedToleratedFailure {
			t.Errorf("tolerance %q: %+v", tolerance, res)
		}
	}
	if res, _ := run(`"ToleratedFailurePercentage":34,`); res.Status != StatusSucceeded {
		t.Errorf("1 of 3 failed within 34%%: %+v", res)
	}
}

func TestIntrinsicFunctions(t *testing.T) {
	// The developer guide's examples.
	input := `{"name":"Arnav","someString":"{\"number\": 20}","someJson":{"name":"Foo","year":2020},
	  "inputArray":[1,2,3,4,5,6,7,8,9],"lookingFor":5,"index":5,"dup":[1,2,3,3,3,3,3,3,4],
	  "input":"Data to encode","base64":"RGF0YSB0byBlbmNvZGU=","Data":"input data","Algorithm":"SHA-1",
	  "json1":{"a":{"a1":1,"a2":2},"b":2},"json2":{"a":{"a3":1,"a4":2},"c":3},
	  "splitMe":"1,2,3,4,5","splitter":",","symbols":"This.is+a,test=string"}`
	tests := []struct{ expr, want string }{
		{`States.Format('Hello, my name is {}.', $.name)`, `"Hello, my name is Arnav."`},
		{`States.Format('{} is {} years old: {}', $.name, 5, $.someJson)`, `"Arnav is 5 years old: {\"name\":\"Foo\",\"year\":2020}"`},
		{`States.Format('literal \{\} and \'quotes\'')`, `"literal {} and 'quotes'"`},
		{`States.StringToJson($.someString)`, `{"number":20}`},
		{`States.JsonToString($.someJson)`, `"{\"name\":\"Foo\",\"year\":2020}"`},
		{`States.Array('Foo', 2020, $.someJson, null)`, `["Foo",2020,{"name":"Foo","year":2020},null]`},
		{`States.ArrayPartition($.inputArray, 4)`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{`States.ArrayContains($.inputArray, $.lookingFor)`, `true`},
		{`States.ArrayRange(1, 9, 2)`, `[1,3,5,7,9]`},
		{`States.ArrayGetItem($.inputArray, $.index)`, `6`},
		{`States.ArrayLength($.inputArray)`, `9`},
		{`States.ArrayUnique($.dup)`, `[1,2,3,4]`},
		{`States.Base64Encode($.input)`, `"RGF0YSB0byBlbmNvZGU="`},
		{`States.Base64Decode($.base64)`, `"Data to encode"`},
		{`States.Hash($.Data, $.Algorithm)`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{`States.JsonMerge($.json1, $.json2, false)`, `{"a":{"a3":1,"a4":2},"b":2,"c":3}`},
		{`States.MathAdd(111, -1)`, `110`},
		{`States.StringSplit($.splitMe, $.splitter)`, `["1","2","3","4","5"]`},
		{`States.StringSplit($.symbols, '.+,=')`, `["This","is","a","test","string"]`},
		{`States.ArrayLength(States.Array(1, States.Array(2, 3)))`, `2`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":` + toJSON(tt.expr) + `},"OutputPath":"$.v","End":true}}}`
			expectOutput(t, def, input, tt.want, nil)
		})
	}
	res, _ := execute(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"u.$":"States.UUID()","r.$":"States.MathRandom(1, 999)"},"End":true}}}`, `{}`, nil)
	out := res.Output.(map[string]any)
	if u := out["u"].(string); len(u) != 36 || u[14] != '4' {
		t.Errorf("UUID %q", u)
	}
	if r := out["r"].(float64); r < 1 || r >= 999 {
		t.Errorf("MathRandom %v", r)
	}
	for _, bad := range []string{`States.ArrayGetItem($.inputArray, 20)`, `States.Format('{} {}', 1)`, `States.StringToJson('not json')`,
		`States.Hash($.Data, 'CRC32')`, `States.MathAdd(1.5, 1)`, `States.ArrayRange(1, 5000, 1)`, `States.JsonMerge($.json1, $.json2, true)`} {
		def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":` + toJSON(bad) + `},"End":true}}}`
		expectError(t, def, input, ErrIntrinsicFailure, "", nil)
	}
}

// TestMapRunCountsResultsWritten: DescribeMapRun's resultsWritten counts
// the items and child executions whose results the ResultWriter wrote
// (Step Functions API reference, MapRunItemCounts and
// MapRunExecutionCounts), and stays 0 without a ResultWriter.
func TestMapRunCountsResultsWritten(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
	  "ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"raw"}},
	  "ItemBatcher":{"MaxItemsPerBatch":2},
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
	  %s"End":true}}}`
	for _, tc := range []struct {
		writer            string
		items, executions int
	}{
		{`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"results"}},`, 5, 3},
		{``, 0, 0},
	} {
		src := &memoryItems{items: []any{"a", "b", "c", "d", "e"}}
		sm, err := Parse([]byte(fmt.Sprintf(def, tc.writer)))
		if err != nil {
			t.Fatal(err)
		}
		x, err := NewEngine(Options{Items: src, Results: src}).Start(context.Background(), sm, []byte(`{}`), "")
		if err != nil {
			t.Fatal(err)
		}
		mustEnd(t, x, StatusSucceeded)
		runs := x.MapRuns()
		if len(runs) != 1 || runs[0].Items.ResultsWritten != tc.items || runs[0].Executions.ResultsWritten != tc.executions {
			t.Errorf("with %q: map runs %+v; want %d items and %d executions written", tc.writer, runs, tc.items, tc.executions)
		}
	}
}
