package asl

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The Distributed Map cases below follow the developer guide's pages
// "ItemReader (Map)", "ItemSelector (Map)", "ItemBatcher (Map)" and
// "ResultWriter (Map)" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
// and its siblings): their example datasets, fields and outputs.

// memoryS3 is an S3 bucket set for the engine: it serves s3:getObject as
// a Task handler and stores a ResultWriter's files.
type memoryS3 struct {
	mu      sync.Mutex
	objects map[string][]byte // by "bucket/key"
}

func newMemoryS3(objects map[string]string) *memoryS3 {
	m := &memoryS3{objects: map[string][]byte{}}
	for k, v := range objects {
		m.objects[k] = []byte(v)
	}
	return m
}

func (m *memoryS3) Invoke(_ context.Context, req TaskRequest) (any, error) {
	in := req.Input.(map[string]any)
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.objects[in["Bucket"].(string)+"/"+in["Key"].(string)]
	if !ok {
		return nil, &Failure{Name: "S3.NoSuchKeyException", Cause: "The specified key does not exist."}
	}
	return map[string]any{"Body": string(data)}, nil
}

func (m *memoryS3) WriteResults(_ context.Context, req ResultWriteRequest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range req.Files {
		m.objects[req.Bucket+"/"+f.Key] = f.Body
	}
	return nil
}

func (m *memoryS3) get(t *testing.T, key string) any {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.objects[key]
	if !ok {
		t.Fatalf("no object %s", key)
	}
	v, err := decodeJSON(data)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}

// distributedMap is a Distributed Map over fields (ItemReader and the
// rest) whose item processor passes each item through, or fails the item
// whose id is "fail".
func distributedMap(fields string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `,
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
	    "C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.id","IsPresent":true},{"Variable":"$.id","StringEquals":"fail"}],"Next":"F"}],"Default":"P"},
	    "F":{"Type":"Fail","Error":"ItemFailed","Cause":"the item says so"},
	    "P":{"Type":"Pass","End":true}}},"End":true}}}`
}

// runWith runs def on input with s3 behind s3:getObject and the
// ResultWriter.
func runWith(t *testing.T, s3 *memoryS3, def, input string) Result {
	t.Helper()
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	reg := (&Registry{}).HandleResource("arn:aws:states:::s3:getObject", s3)
	res, _, err := NewEngine(Options{Tasks: reg, Results: s3}).Run(context.Background(), sm, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func reader(inputType, config string) string {
	if config != "" {
		config = "," + config
	}
	return `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"data","Key.$":"$.key"},
	  "ReaderConfig":{"InputType":"` + inputType + `"` + config + `}}`
}

// ratings are the developer guide's CSV example rows as items.
var ratings = `[{"userId":"1","movieId":"307","rating":"3.5","timestamp":"1256677221"},
	{"userId":"1","movieId":"481","rating":"3.5","timestamp":"1256677456"}]`

func TestItemReaderCSV(t *testing.T) {
	rows := [][]string{{"userId", "movieId", "rating", "timestamp"}, {"1", "307", "3.5", "1256677221"}, {"1", "481", "3.5", "1256677456"}}
	file := func(sep string, header bool) string {
		var b strings.Builder
		for i, r := range rows {
			if i == 0 && !header {
				continue
			}
			b.WriteString(strings.Join(r, sep) + "\n")
		}
		return b.String()
	}
	given := `"CSVHeaderLocation":"GIVEN","CSVHeaders":["userId","movieId","rating","timestamp"]`
	tests := []struct{ name, file, config string }{
		// "FIRST_ROW – Use this option if the first line of the file is the header."
		{"FIRST_ROW", file(",", true), `"CSVHeaderLocation":"FIRST_ROW"`},
		// "GIVEN – Use this option to specify the header within the state machine definition."
		{"GIVEN", file(",", false), given},
		{"quoted fields", "\"userId\",\"movieId\",\"rating\",\"timestamp\"\n\"1\",\"307\",\"3.5\",\"1256677221\"\n1,481,3.5,1256677456\n", `"CSVHeaderLocation":"FIRST_ROW"`},
		// "CSVDelimiter ... COMMA (default), PIPE, SEMICOLON, SPACE, TAB"
		{"COMMA", file(",", true), `"CSVHeaderLocation":"FIRST_ROW","CSVDelimiter":"COMMA"`},
		{"PIPE", file("|", true), `"CSVHeaderLocation":"FIRST_ROW","CSVDelimiter":"PIPE"`},
		{"SEMICOLON", file(";", true), `"CSVHeaderLocation":"FIRST_ROW","CSVDelimiter":"SEMICOLON"`},
		{"SPACE", file(" ", false), given + `,"CSVDelimiter":"SPACE"`},
		{"TAB", file("\t", false), given + `,"CSVDelimiter":"TAB"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s3 := newMemoryS3(map[string]string{"data/ratings.csv": tc.file})
			res := runWith(t, s3, distributedMap(reader("CSV", tc.config)), `{"key":"ratings.csv"}`)
			if res.Status != StatusSucceeded || toJSON(res.Output) != compact(t, ratings) {
				t.Errorf("%s %s: %s", res.Status, res.Cause, toJSON(res.Output))
			}
		})
	}
	t.Run("short and long rows", func(t *testing.T) {
		s3 := newMemoryS3(map[string]string{"data/ragged.csv": "a,b\n1\n1,2,3\n"})
		res := runWith(t, s3, distributedMap(reader("CSV", `"CSVHeaderLocation":"FIRST_ROW"`)), `{"key":"ragged.csv"}`)
		if want := `[{"a":"1","b":""},{"a":"1","b":"2"}]`; toJSON(res.Output) != want {
			t.Errorf("%s %s, want %s", toJSON(res.Output), res.Cause, want)
		}
	})
	t.Run("duplicate headers", func(t *testing.T) {
		s3 := newMemoryS3(map[string]string{"data/dup.csv": "a,a\n1,2\n"})
		res := runWith(t, s3, distributedMap(reader("CSV", `"CSVHeaderLocation":"FIRST_ROW"`)), `{"key":"dup.csv"}`)
		if res.Error != ErrItemReaderFailed || !strings.Contains(res.Cause, "duplicates") {
			t.Errorf("%+v", res)
		}
	})
}

// compact re-encodes JSON as the engine renders it.
func compact(t *testing.T, s string) string {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return toJSON(v)
}

// facts is the developer guide's JSON dataset ("ItemBatcher (Map)").
var facts = `[{"verdict":"true","statement_date":"6/11/2008","statement_source":"speech"},
	{"verdict":"false","statement_date":"6/7/2022","statement_source":"television"},
	{"verdict":"true","statement_date":"5/18/2016","statement_source":"news"}]`

func TestItemReaderJSONAndJSONLines(t *testing.T) {
	var lines bytes.Buffer
	var arr []any
	_ = json.Unmarshal([]byte(facts), &arr)
	for _, it := range arr {
		b, _ := json.Marshal(it)
		lines.Write(append(b, '\n'))
	}
	lines.WriteString("\n") // a blank line is no item
	s3 := newMemoryS3(map[string]string{"data/facts.json": facts, "data/facts.jsonl": lines.String(), "data/object.json": `{"a":1}`})
	for _, tc := range []struct{ inputType, key string }{{"JSON", "facts.json"}, {"JSONL", "facts.jsonl"}} {
		res := runWith(t, s3, distributedMap(reader(tc.inputType, "")), `{"key":"`+tc.key+`"}`)
		if res.Status != StatusSucceeded || toJSON(res.Output) != compact(t, facts) {
			t.Errorf("%s: %s %s %s", tc.inputType, res.Status, res.Cause, toJSON(res.Output))
		}
	}
	res := runWith(t, s3, distributedMap(reader("JSON", "")), `{"key":"object.json"}`)
	if res.Error != ErrItemReaderFailed || !strings.Contains(res.Cause, "not an array") {
		t.Errorf("a JSON object: %+v", res)
	}
	// "ItemsPointer": a JSON Pointer to the array inside a JSON object.
	s3.objects["data/wrapped.json"] = []byte(`{"data":{"facts":` + facts + `}}`)
	res = runWith(t, s3, distributedMap(reader("JSON", `"ItemsPointer":"/data/facts"`)), `{"key":"wrapped.json"}`)
	if toJSON(res.Output) != compact(t, facts) {
		t.Errorf("ItemsPointer: %s %s", toJSON(res.Output), res.Cause)
	}
	res = runWith(t, s3, distributedMap(reader("JSON", "")), `{"key":"missing.json"}`)
	if res.Error != ErrItemReaderFailed || !strings.Contains(res.Cause, "NoSuchKey") {
		t.Errorf("a missing object: %+v", res)
	}
}

func TestItemReaderS3InventoryManifest(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	fmt.Fprintln(w, `"amzn-s3-demo-inventory","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"`)
	fmt.Fprintln(w, `"amzn-s3-demo-inventory","csvDataset/ratings.csv","2819","2022-11-16T00:29:33.000Z"`)
	w.Close()
	manifest := `{"sourceBucket":"amzn-s3-demo-inventory","destinationBucket":"arn:aws:s3:::inventory",
	  "version":"2016-11-30","fileFormat":"CSV","fileSchema":"Bucket, Key, Size, LastModifiedDate",
	  "files":[{"key":"amzn-s3-demo-inventory/config/data/a.csv.gz","size":2147,"MD5checksum":"x"}]}`
	s3 := newMemoryS3(map[string]string{"data/manifest.json": manifest, "inventory/amzn-s3-demo-inventory/config/data/a.csv.gz": gz.String()})
	res := runWith(t, s3, distributedMap(reader("MANIFEST", "")), `{"key":"manifest.json"}`)
	want := `[{"Bucket":"amzn-s3-demo-inventory","Key":"csvDataset/titles.csv","LastModifiedDate":"2022-11-16T00:29:32.000Z","Size":"3399671"},
	  {"Bucket":"amzn-s3-demo-inventory","Key":"csvDataset/ratings.csv","LastModifiedDate":"2022-11-16T00:29:33.000Z","Size":"2819"}]`
	if res.Status != StatusSucceeded || toJSON(res.Output) != compact(t, want) {
		t.Errorf("%s %s: %s", res.Status, res.Cause, toJSON(res.Output))
	}
}

func TestItemReaderMaxItems(t *testing.T) {
	s3 := newMemoryS3(map[string]string{"data/facts.json": facts})
	first := compact(t, `[{"verdict":"true","statement_date":"6/11/2008","statement_source":"speech"}]`)
	// "MaxItems: limits the number of data items passed to the Map state";
	// MaxItemsPath reads it from the state input.
	for _, config := range []string{`"MaxItems":1`, `"MaxItemsPath":"$.max"`} {
		res := runWith(t, s3, distributedMap(reader("JSON", config)), `{"key":"facts.json","max":1}`)
		if toJSON(res.Output) != first {
			t.Errorf("%s: %s %s", config, toJSON(res.Output), res.Cause)
		}
	}
	// In JSONata, MaxItems may be an expression and Arguments replaces
	// Parameters.
	def := strings.Replace(distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Arguments":{"Bucket":"data","Key":"{% $states.input.key %}"},
	  "ReaderConfig":{"InputType":"JSON","MaxItems":"{% $states.input.max %}"}}`), `"And":[{"Variable":"$.id","IsPresent":true},{"Variable":"$.id","StringEquals":"fail"}]`, `"Condition":"{% $states.input.id = 'fail' %}"`, 1)
	def = strings.Replace(def, `{"StartAt":"M"`, `{"QueryLanguage":"JSONata","StartAt":"M"`, 1)
	if res := runWith(t, s3, def, `{"key":"facts.json","max":1}`); toJSON(res.Output) != first {
		t.Errorf("JSONata: %s %s", toJSON(res.Output), res.Cause)
	}
}

func TestItemSelectorAndItemBatcher(t *testing.T) {
	items := `[{"id":"1"},{"id":"2"},{"id":"3"}]` // each item is 10 bytes of JSON
	s3 := newMemoryS3(map[string]string{"data/items.json": items})
	// "Use the ItemSelector field to override an input item's values
	// before they're passed on to the child workflow executions", with
	// the item's index and value in the context object.
	res := runWith(t, s3, distributedMap(reader("JSON", "")+`,"ItemSelector":{"index.$":"$$.Map.Item.Index","value.$":"$$.Map.Item.Value.id","run.$":"$.run"}`), `{"key":"items.json","run":"r1"}`)
	want := `[{"index":0,"run":"r1","value":"1"},{"index":1,"run":"r1","value":"2"},{"index":2,"run":"r1","value":"3"}]`
	if toJSON(res.Output) != compact(t, want) {
		t.Errorf("ItemSelector: %s %s", toJSON(res.Output), res.Cause)
	}
	tests := []struct{ name, batcher, want string }{
		// "MaxItemsPerBatch: the maximum number of items that each child
		// workflow execution processes"; the items go in an Items array.
		{"MaxItemsPerBatch", `"MaxItemsPerBatch":2`, `[{"Items":[{"id":"1"},{"id":"2"}]},{"Items":[{"id":"3"}]}]`},
		// "MaxInputBytesPerBatch: the maximum size of a batch in bytes":
		// {"Items":[{"id":"1"},{"id":"2"}]} is 33 bytes.
		{"MaxInputBytesPerBatch fits two", `"MaxInputBytesPerBatch":33`, `[{"Items":[{"id":"1"},{"id":"2"}]},{"Items":[{"id":"3"}]}]`},
		{"MaxInputBytesPerBatch fits one", `"MaxInputBytesPerBatch":32`, `[{"Items":[{"id":"1"}]},{"Items":[{"id":"2"}]},{"Items":[{"id":"3"}]}]`},
		// "If you specify both, Step Functions reduces the number of items
		// in a batch to avoid exceeding the specified batch input size."
		{"both", `"MaxItemsPerBatch":3,"MaxInputBytesPerBatch":33`, `[{"Items":[{"id":"1"},{"id":"2"}]},{"Items":[{"id":"3"}]}]`},
		// "BatchInput: a fixed JSON input to include in each batch", and
		// it counts toward the batch's size: 26 bytes more here
		// (,"BatchInput":{"run":"r1"}).
		{"BatchInput", `"MaxInputBytesPerBatch":59,"BatchInput":{"run.$":"$.run"}`, `[{"BatchInput":{"run":"r1"},"Items":[{"id":"1"},{"id":"2"}]},{"BatchInput":{"run":"r1"},"Items":[{"id":"3"}]}]`},
		{"BatchInput fits one", `"MaxInputBytesPerBatch":58,"BatchInput":{"run.$":"$.run"}`, `[{"BatchInput":{"run":"r1"},"Items":[{"id":"1"}]},{"BatchInput":{"run":"r1"},"Items":[{"id":"2"}]},{"BatchInput":{"run":"r1"},"Items":[{"id":"3"}]}]`},
	}
	for _, tc := range tests {
		res := runWith(t, s3, distributedMap(reader("JSON", "")+`,"ItemBatcher":{`+tc.batcher+`}`), `{"key":"items.json","run":"r1"}`)
		if toJSON(res.Output) != compact(t, tc.want) {
			t.Errorf("%s: %s %s", tc.name, toJSON(res.Output), res.Cause)
		}
	}
	// ItemSelector shapes each item before the batcher groups them.
	res = runWith(t, s3, distributedMap(reader("JSON", "")+`,"ItemSelector":{"n.$":"$$.Map.Item.Index"},"ItemBatcher":{"MaxItemsPerBatch":2}`), `{"key":"items.json"}`)
	if want := `[{"Items":[{"n":0},{"n":1}]},{"Items":[{"n":2}]}]`; toJSON(res.Output) != want {
		t.Errorf("ItemSelector then ItemBatcher: %s %s", toJSON(res.Output), res.Cause)
	}
}
