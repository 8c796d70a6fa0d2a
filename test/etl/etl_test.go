// Package etl_test checks the synthesized ETL stacks: the default (Lambda
// transform), a tuned one, and the Glue-job variant, from the shared
// syntheses of the dev stage and of the variants.
package etl_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/constructs/etl"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/stacks"
	wf "github.com/sfnkit/sfnkit/workflows/etl/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// The variants' stacks (see synthtest.Variants).
const (
	tunedStack = synthtest.EtlTunedStack
	glueStack  = synthtest.EtlGlueStack
	glueJob    = synthtest.EtlGlueJob
)

var assembly *synthtest.Assembly

func TestMain(m *testing.M) {
	os.Exit(synthtest.MainShared(m, func() (err error) {
		assembly, err = synthtest.SharedMerged(synthtest.Dev, synthtest.Variants)
		return err
	}))
}

func stack(t *testing.T, name string) (*synthtest.Stack, *synthtest.Definition) {
	t.Helper()
	s := assembly.Stacks[name]
	if s == nil {
		t.Fatalf("no stack %s", name)
	}
	_, def, err := s.StateMachine()
	if err != nil {
		t.Fatal(err)
	}
	return s, def
}

func raw(t *testing.T, def *synthtest.Definition, state string) map[string]any {
	t.Helper()
	st, ok := def.Raw[state]
	if !ok {
		t.Fatalf("state %s is missing", state)
	}
	return st
}

// bucket returns the logical id of the stack's bucket whose id starts with name.
func bucket(t *testing.T, s *synthtest.Stack, name string) string {
	t.Helper()
	for _, id := range s.Parsed.LogicalIDs("AWS::S3::Bucket") {
		if strings.HasPrefix(id, "Etl"+name) {
			return id
		}
	}
	t.Fatalf("no bucket %s", name)
	return ""
}

func TestDistributedMapReadsBatchesWritesAndTolerates(t *testing.T) {
	for _, tt := range []struct {
		stack              string
		batch, concurrency float64
		tolerance          any
	}{
		{stacks.ETLStackID, etl.DefaultBatchSize, etl.DefaultMaxConcurrency, nil}, // 0 %: Step Functions' default, left out
		{tunedStack, 50, 20, 5.0},
	} {
		s, def := stack(t, tt.stack)
		m := raw(t, def, wf.StateExtractTransform)
		if m["Type"] != "Map" || m["ResultPath"] != wf.PathExtract || def.States[wf.StateExtractTransform].Next != wf.StateQualityGate {
			t.Errorf("%s: map = %v", tt.stack, m)
		}
		reader := m["ItemReader"].(map[string]any)
		params := reader["Parameters"].(map[string]any)
		if !strings.HasSuffix(reader["Resource"].(string), ":states:::s3:listObjectsV2") || params["Prefix.$"] != wf.PathRun+".rawPrefix" ||
			params["Bucket"] != strings.ToLower(bucket(t, s, "RawBucket")) {
			t.Errorf("%s: ItemReader = %v", tt.stack, reader)
		}
		batcher := m["ItemBatcher"].(map[string]any)
		if batcher["MaxItemsPerBatch"] != tt.batch || !reflect.DeepEqual(batcher["BatchInput"], map[string]any{"runDate.$": wf.PathRun + ".runDate", "runId.$": wf.PathRun + ".runId"}) {
			t.Errorf("%s: ItemBatcher = %v", tt.stack, batcher)
		}
		writer := m["ResultWriter"].(map[string]any)
		wp := writer["Parameters"].(map[string]any)
		if !strings.HasSuffix(writer["Resource"].(string), ":states:::s3:putObject") || wp["Prefix"] != etl.MapResultsPrefix ||
			wp["Bucket"] != strings.ToLower(bucket(t, s, "WorkBucket")) {
			t.Errorf("%s: ResultWriter = %v", tt.stack, writer)
		}
		if m["MaxConcurrency"] != tt.concurrency || m["ToleratedFailurePercentage"] != tt.tolerance {
			t.Errorf("%s: MaxConcurrency %v, ToleratedFailurePercentage %v; want %v, %v", tt.stack, m["MaxConcurrency"], m["ToleratedFailurePercentage"], tt.concurrency, tt.tolerance)
		}
		processor := m["ItemProcessor"].(map[string]any)
		if cfg := processor["ProcessorConfig"].(map[string]any); cfg["Mode"] != "DISTRIBUTED" {
			t.Errorf("%s: ProcessorConfig = %v", tt.stack, cfg)
		}
		if def.CatchTarget(wf.StateExtractTransform, wf.ErrorExceedToleratedFailure) != wf.StateMarkRunFailed {
			t.Errorf("%s: a map beyond its tolerance does not mark the run failed", tt.stack)
		}
	}
}

func TestTransformRetriesStorageAndLambdaErrors(t *testing.T) {
	_, def := stack(t, stacks.ETLStackID)
	inner := raw(t, def, wf.StateExtractTransform)["ItemProcessor"].(map[string]any)["States"].(map[string]any)[wf.StateTransform]
	data, _ := json.Marshal(map[string]any{"States": map[string]any{wf.StateTransform: inner}})
	body, err := synthtest.ParseDefinition(string(data))
	if err != nil {
		t.Fatal(err)
	}
	st := body.States[wf.StateTransform]
	if !reflect.DeepEqual(st.Retry[0].ErrorEquals, retry.LambdaServiceErrors) || st.Retry[0].JitterStrategy != "FULL" || !body.Retries(wf.StateTransform, wf.ErrorStorageUnavailable) {
		t.Errorf("Transform retries %+v", st.Retry)
	}
	if st.TimeoutSeconds < 300 || !st.End {
		t.Errorf("Transform TimeoutSeconds %v, End %v", st.TimeoutSeconds, st.End)
	}
	if len(st.Catch) != 0 {
		t.Error("Transform catches its own errors; a failed batch must fail its child execution so the map counts it")
	}
}

func TestEveryTaskHasRetryTimeoutAndCatch(t *testing.T) {
	for _, name := range []string{stacks.ETLStackID, glueStack} {
		_, def := stack(t, name)
		for state, st := range def.States {
			if st.Type != "Task" {
				continue
			}
			if st.TimeoutSeconds <= 0 || len(st.Catch) == 0 || len(st.Retry) == 0 {
				t.Errorf("%s/%s: TimeoutSeconds %v, %d catchers, %d retriers", name, state, st.TimeoutSeconds, len(st.Catch), len(st.Retry))
			}
			if strings.HasPrefix(st.Resource, "arn:aws:lambda:") && !reflect.DeepEqual(st.Retry[0].ErrorEquals, retry.LambdaServiceErrors) {
				t.Errorf("%s/%s: first retrier %v", name, state, st.Retry[0].ErrorEquals)
			}
		}
	}
}

func TestFlowAndFailurePaths(t *testing.T) {
	_, def := stack(t, stacks.ETLStackID)
	happy := def.Chain(wf.StateStartRun)
	if !reflect.DeepEqual(happy, []string{wf.StateStartRun, wf.StateAlreadyLoaded}) || def.States[wf.StateAlreadyLoaded].Default != wf.StateExtractTransform {
		t.Errorf("start = %v", happy)
	}
	if got := def.Chain(wf.StateQualityGate); !reflect.DeepEqual(got, []string{wf.StateQualityGate, wf.StateLoadPartition, wf.StateSwitchPartition, wf.StateFinishRun, wf.StateRunSucceeded}) {
		t.Errorf("after the map: %v", got)
	}
	choice := def.States[wf.StateAlreadyLoaded].Choices
	if len(choice) != 1 || choice[0].Next != wf.StateRunAlreadySucceeded || def.States[wf.StateRunAlreadySucceeded].Type != "Succeed" {
		t.Errorf("AlreadyLoaded = %+v", choice)
	}
	tests := []struct{ state, err, next string }{
		{wf.StateStartRun, wf.ErrorRunInProgress, wf.StateRunInProgress},
		{wf.StateStartRun, wf.ErrorInvalidRunInput, wf.StateAlertRunFailed},
		{wf.StateQualityGate, wf.ErrorDataQualityFailed, wf.StateMarkRunFailed},
		{wf.StateLoadPartition, wf.ErrorTaskFailed, wf.StateMarkRunFailed},
		{wf.StateSwitchPartition, wf.ErrorTaskFailed, wf.StateMarkRunFailed},
		{wf.StateFinishRun, wf.ErrorTaskFailed, wf.StateMarkRunFailed},
	}
	for _, tt := range tests {
		if got := def.CatchTarget(tt.state, tt.err); got != tt.next {
			t.Errorf("%s: %s is caught to %q, want %q", tt.state, tt.err, got, tt.next)
		}
	}
	if got := def.Chain(wf.StateMarkRunFailed); !reflect.DeepEqual(got, []string{wf.StateMarkRunFailed, wf.StateAlertRunFailed, wf.StateClassifyFailure}) {
		t.Errorf("failure tail = %v", got)
	}
	qualityCatch := def.States[wf.StateQualityGate].Catch[0]
	if qualityCatch.ResultPath == nil || *qualityCatch.ResultPath != wf.PathQualityError ||
		def.States[wf.StateClassifyFailure].Choices[0].Variable != wf.PathQualityError || def.States[wf.StateClassifyFailure].Choices[0].Next != wf.StateDataQualityFailed {
		t.Error("a failed quality gate does not end in DataQualityFailed")
	}
	for _, fail := range []string{wf.StateDataQualityFailed, wf.StateRunFailed, wf.StateRunInProgress} {
		if st := def.States[fail]; st.Type != "Fail" || st.Error != fail {
			t.Errorf("%s = %+v", fail, st)
		}
	}
	mark := raw(t, def, wf.StateMarkRunFailed)["Parameters"].(map[string]any)
	if mark["ConditionExpression"] != "executionId = :me" {
		t.Errorf("MarkRunFailed may overwrite another execution's ledger entry: %v", mark["ConditionExpression"])
	}
}

func TestSyncIntegrations(t *testing.T) {
	s, def := stack(t, stacks.ETLStackID)
	// The partition is added if new, then pointed at the run's own prefix,
	// so it shows the last successful run's rows only.
	table := "States.Format('ALTER TABLE `" + etl.DefaultDatabaseName + "`.`" + wf.Sales.Name + "` "
	location := "/sales/run_date={}/run={}/\\'', $.run.runDate, $.run.runDate, $.run.runId)"
	for state, statement := range map[string]string{
		wf.StateLoadPartition:   table + "ADD IF NOT EXISTS PARTITION (run_date = \\'{}\\') LOCATION \\'s3://",
		wf.StateSwitchPartition: table + "PARTITION (run_date = \\'{}\\') SET LOCATION \\'s3://",
	} {
		load := def.States[state]
		query, _ := load.Parameters["QueryString.$"].(string)
		if !strings.HasSuffix(load.Resource, ":states:::athena:startQueryExecution.sync") || !strings.HasPrefix(query, statement) || !strings.HasSuffix(query, location) {
			t.Errorf("%s = %s %s; want the query %s<curated bucket>%s", state, load.Resource, query, statement, location)
		}
		if load.ResultPath == nil || *load.ResultPath != wf.PathLoad {
			t.Errorf("%s's ResultPath = %v; want %s, so the query's answer does not replace the run's state", state, load.ResultPath, wf.PathLoad)
		}
	}
	if wg := s.Resources("AWS::Athena::WorkGroup"); len(wg) != 1 {
		t.Fatalf("%d workgroups", len(wg))
	} else {
		load := def.States[wf.StateLoadPartition]
		for _, props := range wg {
			cfg := props["WorkGroupConfiguration"].(map[string]any)
			enc := cfg["ResultConfiguration"].(map[string]any)["EncryptionConfiguration"].(map[string]any)
			if load.Parameters["WorkGroup"] != props["Name"] || enc["EncryptionOption"] != "SSE_KMS" || cfg["EnforceWorkGroupConfiguration"] != true {
				t.Errorf("workgroup %v, task uses %v", props, load.Parameters["WorkGroup"])
			}
		}
	}

	_, glueDef := stack(t, glueStack)
	glue := glueDef.States[wf.StateTransformWithGlue]
	args, _ := glue.Parameters["Arguments"].(map[string]any)
	if !strings.HasSuffix(glue.Resource, ":states:::glue:startJobRun.sync") || glue.Parameters["JobName"] != glueJob ||
		args["--run_date.$"] != wf.PathRun+".runDate" || args["--run_id.$"] != wf.PathRun+".runId" || args["--summary_path.$"] == nil || glue.Next != wf.StateQualityGate ||
		args["--curated_prefix.$"] != "States.Format('sales/run_date={}/run={}/', $.run.runDate, $.run.runId)" {
		t.Errorf("TransformWithGlue = %+v", glue)
	}
	if _, hasMap := glueDef.States[wf.StateExtractTransform]; hasMap {
		t.Error("the Glue variant still has the Distributed Map")
	}
	if gate := glueDef.States[wf.StateQualityGate].Parameters; gate["glueSummary"] == nil || gate["resultWriterDetails.$"] != nil {
		t.Errorf("the Glue variant's gate reads %v", gate)
	}
	if n := len(assembly.Stacks[glueStack].Resources("AWS::Lambda::Function")); n != 2 {
		t.Errorf("the Glue variant has %d functions, want StartRun and QualityGate only", n)
	}
}

func TestDailyScheduleStartsTheStateMachine(t *testing.T) {
	for _, tt := range []struct{ stack, expr string }{{stacks.ETLStackID, etl.DefaultSchedule}, {tunedStack, "rate(12 hours)"}} {
		s := assembly.Stacks[tt.stack]
		rules := s.Resources("AWS::Events::Rule")
		if len(rules) != 1 {
			t.Fatalf("%s: %d rules", tt.stack, len(rules))
		}
		for _, r := range rules {
			target := r["Targets"].([]any)[0].(map[string]any)
			sm := s.Parsed.LogicalIDs("AWS::StepFunctions::StateMachine")[0]
			transformer, _ := target["InputTransformer"].(map[string]any)
			paths, _ := transformer["InputPathsMap"].(map[string]any)
			if r["ScheduleExpression"] != tt.expr || synthtest.Ref(target["Arn"]) != sm ||
				transformer["InputTemplate"] != `{"scheduledAt":<time>}` || paths["time"] != "$.time" ||
				target["DeadLetterConfig"] == nil || target["RetryPolicy"] == nil {
				t.Errorf("%s: rule = %v", tt.stack, r)
			}
		}
	}
	if n := len(assembly.Stacks[glueStack].Resources("AWS::Events::Rule")); n != 0 {
		t.Errorf("DisableSchedule left %d rules", n)
	}
}

func TestCatalogMatchesTheTransformSchema(t *testing.T) {
	s := assembly.Stacks[stacks.ETLStackID]
	for _, table := range s.Resources("AWS::Glue::Table") {
		in := table["TableInput"].(map[string]any)
		var cols []string
		for _, c := range in["StorageDescriptor"].(map[string]any)["Columns"].([]any) {
			cols = append(cols, c.(map[string]any)["Name"].(string))
		}
		var want []string
		for _, c := range wf.Sales.Columns {
			want = append(want, c.Name)
		}
		want = append(want, wf.ColumnSourceObject, wf.ColumnSourceLine)
		if !reflect.DeepEqual(cols, want) {
			t.Errorf("table columns %v, schema %v", cols, want)
		}
		if pk := in["PartitionKeys"].([]any)[0].(map[string]any); pk["Name"] != etl.PartitionKey {
			t.Errorf("partition key %v", pk)
		}
	}
}

func TestBucketsAreEncryptedPrivateLoggedAndExpire(t *testing.T) {
	s := assembly.Stacks[stacks.ETLStackID]
	logs := bucket(t, s, "AccessLogs")
	for id, b := range s.Resources("AWS::S3::Bucket") {
		enc := b["BucketEncryption"].(map[string]any)["ServerSideEncryptionConfiguration"].([]any)[0].(map[string]any)["ServerSideEncryptionByDefault"].(map[string]any)
		pab := b["PublicAccessBlockConfiguration"].(map[string]any)
		if pab["BlockPublicAcls"] != true || pab["RestrictPublicBuckets"] != true || b["LifecycleConfiguration"] == nil {
			t.Errorf("bucket %s: public access %v, lifecycle %v", id, pab, b["LifecycleConfiguration"])
		}
		if id == logs {
			continue // S3 delivers access logs only to SSE-S3 buckets
		}
		if enc["SSEAlgorithm"] != "aws:kms" || enc["KMSMasterKeyID"] == nil {
			t.Errorf("bucket %s is encrypted with %v", id, enc)
		}
		if lc, _ := b["LoggingConfiguration"].(map[string]any); synthtest.Ref(lc["DestinationBucketName"]) != logs {
			t.Errorf("bucket %s logs to %v", id, lc)
		}
	}
	for id, p := range s.Resources("AWS::S3::BucketPolicy") {
		if !strings.Contains(synthtest.JSON(p), `"aws:SecureTransport":"false"`) {
			t.Errorf("bucket policy %s does not deny requests without TLS", id)
		}
	}
}

func TestLeastPrivilege(t *testing.T) {
	for _, name := range []string{stacks.ETLStackID, glueStack} {
		s := assembly.Stacks[name]
		for role, sts := range s.StatementsByRole() {
			for _, st := range sts {
				for _, a := range synthtest.List(st["Action"]) {
					action := a.(string)
					if action == "*" || strings.HasSuffix(action, ":*") {
						t.Errorf("%s: role %s is granted %q", name, role, action)
					}
					if strings.HasPrefix(action, "s3:") || strings.HasPrefix(action, "glue:") || strings.HasPrefix(action, "athena:") {
						for _, r := range synthtest.List(st["Resource"]) {
							if r == "*" {
								t.Errorf("%s: role %s may %s on every resource", name, role, action)
							}
						}
					}
				}
			}
		}
		for id, r := range s.Resources("AWS::IAM::Role") {
			if r["ManagedPolicyArns"] != nil {
				t.Errorf("%s: role %s attaches managed policies", name, id)
			}
		}
	}

	// The map may start and inspect only its own state machine's executions,
	// and list only the raw bucket.
	s := assembly.Stacks[stacks.ETLStackID]
	sm := s.Parsed.LogicalIDs("AWS::StepFunctions::StateMachine")[0]
	found := false
	for _, sts := range s.StatementsByRole() {
		for _, st := range sts {
			text := synthtest.JSON(st)
			switch {
			case reflect.DeepEqual(synthtest.List(st["Action"]), []any{"states:StartExecution"}):
				if synthtest.Ref(st["Resource"]) != sm {
					t.Errorf("StartExecution on %v", st["Resource"])
				}
				found = true
			case strings.Contains(text, "states:DescribeExecution") && !strings.Contains(text, sm):
				t.Errorf("child execution access is not scoped to the state machine: %s", text)
			case strings.Contains(text, `"s3:ListBucket"`) && !strings.Contains(text, bucket(t, s, "RawBucket")) && !strings.Contains(text, bucket(t, s, "WorkBucket")):
				t.Errorf("ListBucket beyond the raw and work buckets: %s", text)
			}
		}
	}
	if !found {
		t.Error("the Distributed Map cannot start its child executions")
	}
}

func TestCdkNagReportsNoUnsuppressedError(t *testing.T) {
	for _, name := range []string{stacks.ETLStackID, tunedStack, glueStack} {
		s := assembly.Stacks[name]
		for _, m := range s.Messages {
			t.Errorf("%s: %s at %s: %s", name, m.Level, m.Path, m.Text)
		}
		packs := map[string]bool{}
		for _, row := range s.Nag {
			packs[row.Pack] = true
			if row.Compliance == "Non-Compliant" {
				t.Errorf("%s: %s on %s", name, row.RuleID, row.ResourceID)
			}
			if row.Compliance == "Suppressed" && len(row.ExceptionReason) < 40 {
				t.Errorf("%s: %s on %s suppressed without a reason", name, row.RuleID, row.ResourceID)
			}
		}
		if !packs["AwsSolutions"] || !packs["Serverless"] {
			t.Errorf("%s: nag packs %v", name, packs)
		}
	}
}

func TestHandlerErrorTypesAreTheWorkflowsErrorNames(t *testing.T) {
	for _, name := range []string{wf.ErrorDataQualityFailed, wf.ErrorRunInProgress, wf.ErrorInvalidRunInput, wf.ErrorStorageUnavailable, wf.ErrorInvalidBatch} {
		if !typeNamed(name) {
			t.Errorf("no handler error type is named %s", name)
		}
	}
}
