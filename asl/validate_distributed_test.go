package asl

import "testing"

// dmapDef is a Distributed Map state with fields, for the validation
// cases of its ItemReader and ResultWriter.
func dmapDef(fields string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
}

// getObjectReader is an s3:getObject ItemReader with config as its
// ReaderConfig.
func getObjectReader(config string) string {
	return `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"},"ReaderConfig":{` + config + `}}`
}

// TestValidateAcceptsDocumentedReadersAndWriters checks the developer
// guide's own ItemReader and ResultWriter examples pass.
func TestValidateAcceptsDocumentedReadersAndWriters(t *testing.T) {
	for _, fields := range []string{
		getObjectReader(`"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"`),
		getObjectReader(`"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["userId","movieId","rating","timestamp"],"CSVDelimiter":"PIPE","MaxItems":100`),
		getObjectReader(`"InputType":"JSON","ItemsPointer":"/data","MaxItemsPath":"$.max"`),
		getObjectReader(`"InputType":"JSONL"`),
		getObjectReader(`"InputType":"MANIFEST","ManifestType":"S3_INVENTORY"`),
		`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"p"}}`,
		`"ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}}`,
		`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b","Prefix":"p"}}`,
		`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b","Prefix":"p"},"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSONL"}}`,
	} {
		if diags := ValidateDefinition([]byte(dmapDef(fields))); HasErrors(diags) {
			t.Errorf("%s: %v", fields, diags)
		}
	}
	jsonata := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Arguments":{"Bucket":"b","Key":"k"},"ReaderConfig":{"InputType":"JSON","MaxItems":"{% $states.input.max %}"}},` +
		`"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	if diags := ValidateDefinition([]byte(jsonata)); HasErrors(diags) {
		t.Errorf("JSONata MaxItems: %v", diags)
	}
}
