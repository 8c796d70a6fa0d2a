package asl

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// readerConfigFields are the fields of an ItemReader's ReaderConfig
// ("ItemReader (Map)",
// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html).
var readerConfigFields = []string{"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ManifestType", "Transformation", "ItemsPointer", "MaxItems", "MaxItemsPath"}

// itemReader checks a Distributed Map's ItemReader and its ReaderConfig
// as the developer guide describes them.
func (v *validator) itemReader(st *State) {
	r := st.ItemReader
	if r.Resource == "" {
		v.add("map-fields", "ItemReader.Resource", "is missing")
	}
	raw := subObject(r.ReaderConfig)
	if r.ReaderConfig != nil && raw == nil {
		v.add("item-reader", "ItemReader.ReaderConfig", "must be an object")
		return
	}
	for name := range raw {
		if !slices.Contains(readerConfigFields, name) {
			v.add("item-reader", "ItemReader.ReaderConfig."+name, "is not a ReaderConfig field; use one of %s", strings.Join(readerConfigFields, ", "))
		}
	}
	var cfg struct {
		InputType, CSVHeaderLocation, CSVDelimiter, ManifestType, Transformation, ItemsPointer string
		CSVHeaders                                                                             []string
	}
	if err := json.Unmarshal(r.ReaderConfig, &cfg); r.ReaderConfig != nil && err != nil {
		v.add("item-reader", "ItemReader.ReaderConfig", "is not valid: %v", err)
		return
	}
	oneOf := func(field, value string, allowed ...string) {
		if value != "" && !slices.Contains(allowed, value) {
			v.add("item-reader", "ItemReader.ReaderConfig."+field, "%q is not one of %s", value, strings.Join(allowed, ", "))
		}
	}
	// "InputType: Accepts one of the following values: CSV, JSON, JSONL,
	// PARQUET, MANIFEST."
	oneOf("InputType", cfg.InputType, InputCSV, InputJSON, InputJSONL, InputParquet, InputManifest)
	oneOf("CSVHeaderLocation", cfg.CSVHeaderLocation, HeaderFirstRow, HeaderGiven)
	oneOf("CSVDelimiter", cfg.CSVDelimiter, "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
	oneOf("ManifestType", cfg.ManifestType, "ATHENA_DATA", "S3_INVENTORY")
	oneOf("Transformation", cfg.Transformation, "NONE", "LOAD_AND_FLATTEN")
	if _, action, _ := parseResource(r.Resource); action == "getObject" && cfg.InputType == "" {
		v.add("item-reader", "ItemReader.ReaderConfig.InputType", "is missing: an s3:getObject reader needs InputType CSV, JSON, JSONL, PARQUET or MANIFEST")
	}
	// "CSVHeaderLocation: You must specify this field only if you use a
	// CSV file as dataset" (and CSVDelimiter likewise).
	if cfg.InputType != InputCSV {
		for _, f := range []string{"CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"} {
			if _, ok := raw[f]; ok {
				v.add("item-reader", "ItemReader.ReaderConfig."+f, "is for InputType CSV only, not %q", cfg.InputType)
			}
		}
	}
	// "GIVEN – Use this option to specify the header within the state
	// machine definition", in CSVHeaders: one goes with the other.
	_, headers := raw["CSVHeaders"]
	switch {
	case headers && cfg.CSVHeaderLocation != HeaderGiven:
		v.add("item-reader", "ItemReader.ReaderConfig.CSVHeaders", "needs CSVHeaderLocation GIVEN; with FIRST_ROW the file's first line is the header")
	case !headers && cfg.CSVHeaderLocation == HeaderGiven:
		v.add("item-reader", "ItemReader.ReaderConfig.CSVHeaderLocation", "GIVEN needs the column names in CSVHeaders")
	case headers && len(cfg.CSVHeaders) == 0:
		v.add("item-reader", "ItemReader.ReaderConfig.CSVHeaders", "must name at least one column")
	}
	// "MaxItems ... The upper limit is 100,000,000"; a JSONata state may
	// compute it.
	if m, ok := raw["MaxItems"]; ok && !(st.QueryLanguage == JSONata && isJSONataString(m)) {
		if n, err := strconv.ParseUint(string(m), 10, 64); err != nil || n > maxReaderItems {
			v.add("item-reader", "ItemReader.ReaderConfig.MaxItems", "%s is not a whole number from 0 to %d", string(m), maxReaderItems)
		}
	}
	if p, ok := raw["MaxItemsPath"]; ok {
		var path string
		if json.Unmarshal(p, &path) != nil || checkReferencePath(path) != nil {
			v.add("item-reader", "ItemReader.ReaderConfig.MaxItemsPath", "%s is not a reference path such as \"$.maxItems\"", string(p))
		}
	}
	v.fieldPathPairs(raw, "ItemReader.ReaderConfig")
}

// isJSONataString reports whether raw is a string holding a JSONata
// expression ("{% ... %}").
func isJSONataString(raw json.RawMessage) bool {
	var s string
	return json.Unmarshal(raw, &s) == nil && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// resultWriter checks a Distributed Map's ResultWriter: "The ResultWriter
// field cannot be empty. You must specify one of these sets of
// sub-fields": WriterConfig; Resource and Parameters (Arguments in
// JSONata); or all three.
func (v *validator) resultWriter(st *State) {
	w := st.ResultWriter
	params := w.Parameters != nil || w.Arguments != nil
	switch {
	case w.Resource == "" && w.WriterConfig == nil && !params:
		v.add("result-writer", "ResultWriter", "is empty: give WriterConfig, or Resource and Parameters, or all three")
	case w.Resource != "" && !params:
		field := "Parameters"
		if st.QueryLanguage == JSONata {
			field = "Arguments"
		}
		v.add("result-writer", "ResultWriter."+field, "is missing: Resource %s needs the Bucket (and Prefix) to write to", w.Resource)
	case w.Resource == "" && params:
		v.add("result-writer", "ResultWriter.Resource", "is missing: give arn:aws:states:::s3:putObject to export the results, or drop Parameters")
	}
	if w.WriterConfig == nil {
		return
	}
	raw := subObject(w.WriterConfig)
	if raw == nil {
		v.add("result-writer", "ResultWriter.WriterConfig", "must be an object")
		return
	}
	for name, value := range raw {
		var s string
		_ = json.Unmarshal(value, &s)
		var allowed []string
		switch name {
		case "Transformation":
			allowed = []string{TransformNone, TransformCompact, TransformFlatten}
		case "OutputType":
			allowed = []string{OutputJSON, OutputJSONL}
		default:
			v.add("result-writer", "ResultWriter.WriterConfig."+name, "is not a WriterConfig field; use Transformation and OutputType")
			continue
		}
		if !slices.Contains(allowed, s) {
			v.add("result-writer", "ResultWriter.WriterConfig."+name, "%s is not one of %s", string(value), strings.Join(allowed, ", "))
		}
	}
}
