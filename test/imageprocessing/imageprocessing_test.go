// Package imageprocessing_test checks the synthesized image-processing
// stacks (the default one and one with a SageMaker endpoint) from the
// shared syntheses of the dev stage and of the variants.
package imageprocessing_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/constructs/imageprocessing"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/stacks"
	wf "github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// The variant's stack (see synthtest.Variants).
const (
	modelStack = synthtest.ImagesModelStack
	endpoint   = synthtest.ImagesModelEndpoint
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

func only(t *testing.T, s *synthtest.Stack, typ string) (string, map[string]any) {
	t.Helper()
	all := s.Resources(typ)
	if len(all) != 1 {
		t.Fatalf("%d resources of type %s", len(all), typ)
	}
	for id, p := range all {
		return id, p
	}
	return "", nil
}

func TestExpressWithFullLogging(t *testing.T) {
	s, _ := stack(t, stacks.ImageProcessingStackID)
	_, sm := only(t, s, "AWS::StepFunctions::StateMachine")
	logging := sm["LoggingConfiguration"].(map[string]any)
	if sm["StateMachineType"] != "EXPRESS" || logging["Level"] != "ALL" || logging["IncludeExecutionData"] != true {
		t.Errorf("type %v, logging %v", sm["StateMachineType"], logging)
	}
}

// branches returns the first state of each Parallel branch, parsed.
func branches(t *testing.T, def *synthtest.Definition) []synthtest.State {
	t.Helper()
	var out []synthtest.State
	for _, b := range def.Raw[wf.StateAnalyze]["Branches"].([]any) {
		data, _ := json.Marshal(b)
		body, err := synthtest.ParseDefinition(string(data))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, body.States[body.StartAt])
	}
	return out
}

func TestParallelBranchesAndTheirIntegrations(t *testing.T) {
	for _, tt := range []struct {
		stack     string
		resources []string
	}{
		{stacks.ImageProcessingStackID, []string{"aws-sdk:rekognition:detectLabels", "aws-sdk:rekognition:detectModerationLabels", "lambda"}},
		{modelStack, []string{"aws-sdk:rekognition:detectLabels", "aws-sdk:rekognition:detectModerationLabels", "lambda", "aws-sdk:sagemakerruntime:invokeEndpoint"}},
	} {
		s, def := stack(t, tt.stack)
		if def.States[wf.StateAnalyze].Type != "Parallel" || def.States[wf.StateAnalyze].Next != wf.StateLoadPreferences {
			t.Errorf("%s: Analyze = %+v", tt.stack, def.States[wf.StateAnalyze])
		}
		bs := branches(t, def)
		if len(bs) != len(tt.resources) {
			t.Fatalf("%s: %d branches, want %d", tt.stack, len(bs), len(tt.resources))
		}
		imagesBucket := strings.ToLower(s.Parsed.LogicalIDs("AWS::S3::Bucket")[1])
		for i, b := range bs {
			want := tt.resources[i]
			switch {
			case want == "lambda":
				if !strings.HasPrefix(b.Resource, "arn:aws:lambda:") || !reflect.DeepEqual(b.Retry[0].ErrorEquals, retry.LambdaServiceErrors) {
					t.Errorf("%s: branch %d = %s", tt.stack, i, b.Resource)
				}
			case strings.Contains(want, "rekognition"):
				obj := b.Parameters["Image"].(map[string]any)["S3Object"].(map[string]any)
				if !strings.HasSuffix(b.Resource, ":states:::"+want) || obj["Name.$"] != wf.PathImage+".key" || !strings.HasPrefix(imagesBucket, strings.ToLower(obj["Bucket"].(string))[:10]) {
					t.Errorf("%s: branch %d = %s %v", tt.stack, i, b.Resource, b.Parameters)
				}
				if len(b.Retry) == 0 || b.TimeoutSeconds == 0 {
					t.Errorf("%s: %s has no retry or timeout", tt.stack, want)
				}
			default:
				if !strings.HasSuffix(b.Resource, ":states:::"+want) || b.Parameters["EndpointName"] != endpoint {
					t.Errorf("%s: custom model branch = %s %v", tt.stack, b.Resource, b.Parameters)
				}
			}
		}
		moderation := bs[1].Parameters["MinConfidence"]
		if tt.stack == modelStack && moderation != 60.0 || tt.stack != modelStack && moderation != imageprocessing.DefaultModerationMinConfidence {
			t.Errorf("%s: moderation MinConfidence %v", tt.stack, moderation)
		}
		selector := def.Raw[wf.StateAnalyze]["ResultSelector"].(map[string]any)
		if selector["labels.$"] != "$[0].Labels" || selector["moderation.$"] != "$[1].ModerationLabels" || selector["thumbnails.$"] != "$[2].thumbnails" {
			t.Errorf("%s: ResultSelector = %v", tt.stack, selector)
		}
	}
}

func TestFlow(t *testing.T) {
	_, def := stack(t, stacks.ImageProcessingStackID)
	moderate := def.States[wf.StateModerate]
	if moderate.Type != "Choice" || len(moderate.Choices) != 1 || moderate.Choices[0].Variable != wf.PathAnalysis+".moderation[0]" ||
		moderate.Choices[0].Next != wf.StateFlagUnsafe || moderate.Default != wf.StateGenerateInsights {
		t.Errorf("Moderate = %+v", moderate)
	}
	if got := def.Chain(wf.StateFlagUnsafe); !reflect.DeepEqual(got, []string{wf.StateFlagUnsafe, wf.StateDeleteThumbnails, wf.StateQuarantineImage, wf.StateDeleteOriginal, wf.StateNotifyQuarantined, wf.StateImageQuarantined}) {
		t.Errorf("unsafe path = %v", got)
	}
	if got := def.Chain(wf.StateGenerateInsights); !reflect.DeepEqual(got, []string{wf.StateGenerateInsights, wf.StateStoreResults, wf.StateNotifyProcessed, wf.StateImageProcessed}) {
		t.Errorf("safe path = %v", got)
	}
	tests := []struct{ state, err, next string }{
		{wf.StateExtractMetadata, wf.ErrorUnsupportedImage, wf.StateQuarantineImage},
		{wf.StateExtractMetadata, wf.ErrorImageGone, wf.StateNothingToDo},
		{wf.StateExtractMetadata, wf.ErrorInvalidImageEvent, wf.StateProcessingFailed},
		{wf.StateAnalyze, wf.ErrorUnsupportedImage, wf.StateQuarantineImage},
		{wf.StateLoadPreferences, "DynamoDB.ResourceNotFoundException", wf.StateModerate},
		{wf.StateStoreResults, wf.ErrorConditionFailed, wf.StateAlreadyProcessed},
	}
	for _, tt := range tests {
		if got := def.CatchTarget(tt.state, tt.err); got != tt.next {
			t.Errorf("%s: %s caught to %q, want %q", tt.state, tt.err, got, tt.next)
		}
	}
	for name, st := range def.States {
		if st.Type == "Task" && (st.TimeoutSeconds == 0 || len(st.Catch) == 0 || len(st.Retry) == 0) {
			t.Errorf("%s: timeout %v, %d catchers, %d retriers", name, st.TimeoutSeconds, len(st.Catch), len(st.Retry))
		}
	}
}

func TestConditionalIdempotentWrite(t *testing.T) {
	s, def := stack(t, stacks.ImageProcessingStackID)
	store := def.States[wf.StateStoreResults]
	item := store.Parameters["Item"].(map[string]any)
	if !strings.HasSuffix(store.Resource, ":states:::dynamodb:putItem") || store.Parameters["ConditionExpression"] != "attribute_not_exists(imageKey)" ||
		item["imageKey"].(map[string]any)["S.$"] != wf.PathImage+".key" || item["etag"].(map[string]any)["S.$"] != wf.PathImage+".etag" {
		t.Errorf("StoreResults = %v", store.Parameters)
	}
	for id, tbl := range s.Resources("AWS::DynamoDB::Table") {
		if strings.Contains(id, "Results") {
			schema := tbl["KeySchema"].([]any)
			if len(schema) != 2 || schema[0].(map[string]any)["AttributeName"] != "imageKey" || schema[1].(map[string]any)["AttributeName"] != "etag" {
				t.Errorf("results key schema %v; the write is idempotent on key + ETag", schema)
			}
		}
	}
	enrich := def.States[wf.StateLoadPreferences]
	if !strings.HasSuffix(enrich.Resource, ":states:::dynamodb:getItem") {
		t.Errorf("LoadPreferences = %s", enrich.Resource)
	}
}

func TestUploadRuleEventPattern(t *testing.T) {
	s, _ := stack(t, stacks.ImageProcessingStackID)
	_, rule := only(t, s, "AWS::Events::Rule")
	pattern := rule["EventPattern"].(map[string]any)
	detail := pattern["detail"].(map[string]any)
	images := ""
	for id := range s.Resources("AWS::S3::Bucket") {
		if strings.Contains(id, "ImagesBucket") {
			images = id
		}
	}
	if !reflect.DeepEqual(pattern["source"], []any{"aws.s3"}) || !reflect.DeepEqual(pattern["detail-type"], []any{"Object Created"}) ||
		synthtest.Ref(detail["bucket"].(map[string]any)["name"].([]any)[0]) != images ||
		!reflect.DeepEqual(detail["object"], map[string]any{"key": []any{map[string]any{"prefix": imageprocessing.UploadsPrefix}}}) {
		t.Errorf("pattern = %v", pattern)
	}
	target := rule["Targets"].([]any)[0].(map[string]any)
	sm := s.Parsed.LogicalIDs("AWS::StepFunctions::StateMachine")[0]
	if synthtest.Ref(target["Arn"]) != sm || target["DeadLetterConfig"] == nil {
		t.Errorf("target = %v", target)
	}
	bucket := s.Parsed.Resources[images].Properties
	if !reflect.DeepEqual(bucket["NotificationConfiguration"], map[string]any{"EventBridgeConfiguration": map[string]any{"EventBridgeEnabled": true}}) {
		t.Errorf("the bucket does not send events to EventBridge: %v", bucket["NotificationConfiguration"])
	}
	if n := len(s.Resources("AWS::Lambda::Function")); n != 3 {
		t.Errorf("%d functions; a notification custom resource crept in", n)
	}
}

func TestLeastPrivilege(t *testing.T) {
	for _, name := range []string{stacks.ImageProcessingStackID, modelStack} {
		s := assembly.Stacks[name]
		for role, sts := range s.StatementsByRole() {
			for _, st := range sts {
				resources := synthtest.List(st["Resource"])
				for _, a := range synthtest.List(st["Action"]) {
					action := a.(string)
					if action == "*" || strings.HasSuffix(action, ":*") {
						t.Errorf("%s: %s granted %q", name, role, action)
					}
					wildcard := len(resources) == 1 && resources[0] == "*"
					switch {
					case strings.HasPrefix(action, "rekognition:"):
						if action != "rekognition:detectLabels" && action != "rekognition:detectModerationLabels" {
							t.Errorf("%s: unexpected %s", name, action)
						}
					case strings.HasPrefix(action, "xray:"), strings.HasPrefix(action, "logs:"):
					case wildcard:
						t.Errorf("%s: %s may %s on every resource", name, role, action)
					case action == "s3:DeleteObject":
						for _, r := range resources {
							if s := synthtest.JSON(r); !strings.Contains(s, "/"+imageprocessing.UploadsPrefix+"*") && !strings.Contains(s, "/"+imageprocessing.ProcessedPrefix+"*") {
								t.Errorf("%s: DeleteObject beyond uploads/ and processed/: %s", name, s)
							}
						}
					case action == "sagemaker:InvokeEndpoint" && (len(resources) != 1 || !strings.HasSuffix(synthtest.JSON(resources), `:endpoint/`+strings.ToLower(endpoint)+`"]]}]`)):
						t.Errorf("%s: InvokeEndpoint on %v", name, synthtest.JSON(resources))
					case strings.HasPrefix(action, "s3:") && !strings.Contains(synthtest.JSON(resources), "/"):
						t.Errorf("%s: %s on whole buckets: %v", name, action, resources)
					}
				}
			}
		}
	}
}

func TestCdkNagReportsNoUnsuppressedError(t *testing.T) {
	for _, name := range []string{stacks.ImageProcessingStackID, modelStack} {
		s := assembly.Stacks[name]
		for _, m := range s.Messages {
			t.Errorf("%s: %s at %s: %s", name, m.Level, m.Path, m.Text)
		}
		for _, row := range s.Nag {
			if row.Compliance == "Non-Compliant" {
				t.Errorf("%s: %s on %s", name, row.RuleID, row.ResourceID)
			}
			if row.Compliance == "Suppressed" && len(row.ExceptionReason) < 40 {
				t.Errorf("%s: %s suppressed without a reason", name, row.RuleID)
			}
		}
	}
}

func TestThumbnailSizesReachTheFunction(t *testing.T) {
	s := assembly.Stacks[modelStack]
	found := false
	for _, f := range s.Resources("AWS::Lambda::Function") {
		env, _ := f["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		if sizes, ok := vars[wf.EnvThumbnailSizes]; ok {
			found = sizes == "64,1024" && vars[wf.EnvMaxPixels] == fmt.Sprint(imagemeta.DefaultLimits.MaxPixels)
		}
	}
	if !found {
		t.Error("the thumbnail function does not receive the configured sizes and limits")
	}
}
