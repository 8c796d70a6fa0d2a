package asl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ItemReadRequest is a Distributed Map's ItemReader, evaluated.
type ItemReadRequest struct {
	Resource     string
	Parameters   any // Parameters (JSONPath) or Arguments (JSONata)
	ReaderConfig map[string]any
}

// ItemSource reads the items of a Distributed Map whose ItemReader lists
// objects (s3:listObjectsV2). An ItemReader that reads one object
// (s3:getObject) does not use it: the engine fetches the object through
// its Tasks resolver, as a Task with that Resource would, and decodes it
// as ReaderConfig says.
type ItemSource interface {
	ReadItems(ctx context.Context, req ItemReadRequest) ([]any, error)
}

// Reader input types, CSV header locations and delimiters, as the developer
// guide's "ItemReader (Map)" page lists them
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html).
const (
	InputCSV      = "CSV"
	InputJSON     = "JSON"
	InputJSONL    = "JSONL"
	InputManifest = "MANIFEST"
	InputParquet  = "PARQUET"

	HeaderFirstRow = "FIRST_ROW"
	HeaderGiven    = "GIVEN"
)

// csvDelimiters maps ReaderConfig.CSVDelimiter to its character; COMMA is
// the default.
var csvDelimiters = map[string]rune{"COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

// readerConfig is an ItemReader's ReaderConfig as written.
type readerConfig struct {
	InputType         string          `json:"InputType"`
	CSVHeaderLocation string          `json:"CSVHeaderLocation"`
	CSVHeaders        []string        `json:"CSVHeaders"`
	CSVDelimiter      string          `json:"CSVDelimiter"`
	ManifestType      string          `json:"ManifestType"`
	Transformation    string          `json:"Transformation"`
	ItemsPointer      string          `json:"ItemsPointer"`
	MaxItems          json.RawMessage `json:"MaxItems"`
	MaxItemsPath      string          `json:"MaxItemsPath"`
}

// maxReaderItems is the most items MaxItems may ask for ("The upper limit
// is 100,000,000").
const maxReaderItems = 100_000_000

// readItems evaluates the ItemReader, reads the items and keeps the first
// MaxItems of them.
func (rt *runtime) readItems(ctx context.Context, st *State, sc *scope) ([]any, *Failure) {
	r := st.ItemReader
	var params any
	var err error
	switch {
	case st.QueryLanguage == JSONata && r.Arguments != nil:
		params, err = evalJSONataTemplate("ItemReader.Arguments", r.Arguments, sc, rt)
	case r.Parameters != nil:
		params, err = evalTemplate("ItemReader.Parameters", r.Parameters, sc, rt)
	}
	if err != nil {
		return nil, asFailure(err)
	}
	var cfg readerConfig
	if r.ReaderConfig != nil {
		if err := json.Unmarshal(r.ReaderConfig, &cfg); err != nil {
			return nil, failf(ErrItemReaderFailed, "the ReaderConfig of Map state %q is not valid: %v", st.Name, err)
		}
	}
	maxItems, fail := rt.number(st, "MaxItems", cfg.MaxItems, cfg.MaxItemsPath, sc)
	if fail != nil {
		return nil, fail
	}
	if maxItems > maxReaderItems {
		return nil, failf(ErrItemReaderFailed, "MaxItems of Map state %q is %v; Step Functions reads at most %d items", st.Name, maxItems, maxReaderItems)
	}
	var items []any
	if _, action, _ := parseResource(r.Resource); action == "getObject" {
		items, err = rt.readObjectItems(ctx, st, params, cfg)
	} else {
		items, err = rt.listItems(ctx, st, params)
	}
	if err != nil {
		return nil, failf(ErrItemReaderFailed, "Map state %q could not read its items: %v", st.Name, err)
	}
	if maxItems > 0 && int(maxItems) < len(items) {
		items = items[:int(maxItems)]
	}
	return items, nil
}

// listItems asks the engine's ItemSource for an object listing.
func (rt *runtime) listItems(ctx context.Context, st *State, params any) ([]any, error) {
	src := rt.engine.opts.Items
	if src == nil {
		return nil, fmt.Errorf("it reads items from %s, but the engine has no ItemSource", st.ItemReader.Resource)
	}
	cfg := map[string]any{}
	if st.ItemReader.ReaderConfig != nil {
		_ = json.Unmarshal(st.ItemReader.ReaderConfig, &cfg)
	}
	return src.ReadItems(ctx, ItemReadRequest{Resource: st.ItemReader.Resource, Parameters: params, ReaderConfig: cfg})
}

// getObject fetches an S3 object through the Tasks resolver, as a Task
// whose Resource is arn:aws:states:::s3:getObject would: the handler gets
// {"Bucket", "Key"[, "VersionId"]} and answers with the object's content
// in "Body" (a string, as the AWS SDK integration returns it).
func (rt *runtime) getObject(ctx context.Context, st *State, bucket, key, version string) ([]byte, error) {
	const resource = "arn:aws:states:::s3:getObject"
	in := map[string]any{"Bucket": bucket, "Key": key}
	if version != "" {
		in["VersionId"] = version
	}
	var h TaskHandler
	ok := false
	if rt.engine.opts.Tasks != nil {
		h, ok = rt.engine.opts.Tasks.Resolve(st.Name, resource, in)
	}
	if !ok {
		return nil, fmt.Errorf("nothing serves %s (s3://%s/%s): give the engine's Tasks a resolver for it", resource, bucket, key)
	}
	out, err := h.Invoke(ctx, TaskRequest{StateName: st.Name, Resource: resource, Input: in, ExecutionArn: rt.exec.Arn})
	if err != nil {
		return nil, fmt.Errorf("s3:getObject s3://%s/%s: %v", bucket, key, err)
	}
	m, _ := out.(map[string]any)
	body, ok := m["Body"].(string)
	if !ok {
		return nil, fmt.Errorf("s3:getObject s3://%s/%s returned no Body string", bucket, key)
	}
	return []byte(body), nil
}

// readObjectItems reads the object the ItemReader names and decodes its
// items as ReaderConfig.InputType says.
func (rt *runtime) readObjectItems(ctx context.Context, st *State, params any, cfg readerConfig) ([]any, error) {
	p, _ := params.(map[string]any)
	bucket, _ := p["Bucket"].(string)
	key, _ := p["Key"].(string)
	version, _ := p["VersionId"].(string)
	if bucket == "" || key == "" {
		return nil, fmt.Errorf("s3:getObject needs Bucket and Key strings in its Parameters (or Arguments), got %s", truncateJSON(params, 200))
	}
	body, err := rt.getObject(ctx, st, bucket, key, version)
	if err != nil {
		return nil, err
	}
	switch cfg.InputType {
	case InputCSV:
		return csvItems(body, cfg)
	case InputJSON:
		return jsonItems(body, cfg.ItemsPointer)
	case InputJSONL:
		return jsonLinesItems(body)
	case InputManifest:
		if cfg.ManifestType != "" && cfg.ManifestType != "S3_INVENTORY" {
			return nil, fmt.Errorf("the local engine reads S3 inventory manifests only, not ManifestType %s", cfg.ManifestType)
		}
		return rt.inventoryItems(ctx, st, body)
	case "":
		return nil, fmt.Errorf("ReaderConfig.InputType is missing: give CSV, JSON, JSONL or MANIFEST")
	}
	return nil, fmt.Errorf("the local engine does not read InputType %s; it reads CSV, JSON, JSONL and MANIFEST", cfg.InputType)
}

// csvItems decodes a text delimited file: each row becomes an object whose
// keys are the column headers, from the first row (FIRST_ROW, the default)
// or CSVHeaders (GIVEN), and whose values are the fields as strings ("Step
// Functions treats all values as strings"). A short row's missing fields
// are empty strings; fields beyond the headers are dropped.
func csvItems(body []byte, cfg readerConfig) ([]any, error) {
	delim := ','
	if cfg.CSVDelimiter != "" {
		d, ok := csvDelimiters[cfg.CSVDelimiter]
		if !ok {
			return nil, fmt.Errorf("CSVDelimiter %q is not one of COMMA, PIPE, SEMICOLON, SPACE, TAB", cfg.CSVDelimiter)
		}
		delim = d
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = delim, -1, true
	headers := cfg.CSVHeaders
	if cfg.CSVHeaderLocation != HeaderGiven {
		first, err := r.Read()
		if err == io.EOF {
			return []any{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("the CSV header row: %v", err)
		}
		headers = first
	}
	seen := map[string]bool{}
	for _, h := range headers {
		if seen[h] {
			return nil, fmt.Errorf("CSV headers cannot contain duplicates: %q appears twice", h)
		}
		seen[h] = true
	}
	items := []any{}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return nil, fmt.Errorf("CSV: %v", err)
		}
		item := make(map[string]any, len(headers))
		for i, h := range headers {
			item[h] = ""
			if i < len(row) {
				item[h] = row[i]
			}
		}
		items = append(items, item)
	}
}

// jsonItems decodes a JSON file holding an array, whose elements are the
// items, or an object whose array ItemsPointer (a JSON Pointer, RFC 6901,
// such as "/data/items") locates.
func jsonItems(body []byte, itemsPointer string) ([]any, error) {
	v, err := decodeJSON(body)
	if err != nil {
		return nil, fmt.Errorf("the JSON file is not valid JSON: %v", err)
	}
	if itemsPointer != "" {
		for _, token := range strings.Split(strings.TrimPrefix(itemsPointer, "/"), "/") {
			token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("ItemsPointer %s: %q is not a field of %s", itemsPointer, token, truncateJSON(v, 100))
			}
			if v, ok = obj[token]; !ok {
				return nil, fmt.Errorf("ItemsPointer %s: the JSON file has no field %q there", itemsPointer, token)
			}
		}
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("the JSON file holds %s, not an array of items (ItemsPointer locates an array inside an object)", truncateJSON(v, 100))
	}
	return items, nil
}

// jsonLinesItems decodes JSON Lines: one JSON value per line, blank lines
// skipped.
func jsonLinesItems(body []byte) ([]any, error) {
	items := []any{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, MaxPayloadBytes+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		v, err := decodeJSON(line)
		if err != nil {
			return nil, fmt.Errorf("line %d of the JSON Lines file is not valid JSON: %v", n, err)
		}
		items = append(items, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("JSON Lines: %v", err)
	}
	return items, nil
}

// inventoryManifest is the manifest.json of an S3 inventory report
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html).
type inventoryManifest struct {
	DestinationBucket string `json:"destinationBucket"`
	FileFormat        string `json:"fileFormat"`
	FileSchema        string `json:"fileSchema"`
	Files             []struct {
		Key string `json:"key"`
	} `json:"files"`
}

// inventoryItems reads the inventory files an S3 inventory manifest lists
// (gzip-compressed CSV, without a header row) and makes each row an item
// whose keys are the manifest's fileSchema columns, such as
// {"Bucket", "Key", "Size", "LastModifiedDate"}.
func (rt *runtime) inventoryItems(ctx context.Context, st *State, body []byte) ([]any, error) {
	var m inventoryManifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the S3 inventory manifest is not valid: %v", err)
	}
	if m.FileFormat != "CSV" {
		return nil, fmt.Errorf("the S3 inventory manifest's fileFormat is %q; Step Functions reads CSV inventories", m.FileFormat)
	}
	bucket := strings.TrimPrefix(m.DestinationBucket, "arn:aws:s3:::")
	var headers []string
	for _, h := range strings.Split(m.FileSchema, ",") {
		headers = append(headers, strings.TrimSpace(h))
	}
	items := []any{}
	for _, f := range m.Files {
		data, err := rt.getObject(ctx, st, bucket, f.Key, "")
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("inventory file %s: %v", f.Key, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return nil, fmt.Errorf("inventory file %s: %v", f.Key, err)
			}
		}
		rows, err := csvItems(data, readerConfig{CSVHeaderLocation: HeaderGiven, CSVHeaders: headers})
		if err != nil {
			return nil, fmt.Errorf("inventory file %s: %v", f.Key, err)
		}
		items = append(items, rows...)
	}
	return items, nil
}
