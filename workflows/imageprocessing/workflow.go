// Package imageprocessing is the image state graph (an Express workflow):
// extract the upload's metadata; analyze it in parallel (Rekognition labels
// and moderation, thumbnails, an optional custom model); load the user's
// preferences; quarantine unsafe or unsupported images; otherwise generate
// insights, store them once per object version, and announce them.
//
// Delivery is at least once, so every step is idempotent: thumbnails and
// quarantine copies go to fixed keys, and the results are written with a
// conditional put, a repeat ending in AlreadyProcessed.
package imageprocessing

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// Tasks are the workflow's Task states, created by the caller.
// InvokeCustomModel is optional.
type Tasks struct {
	ExtractMetadata   awsstepfunctions.TaskStateBase
	DetectLabels      awsstepfunctions.TaskStateBase
	DetectModeration  awsstepfunctions.TaskStateBase
	MakeThumbnails    awsstepfunctions.TaskStateBase
	InvokeCustomModel awsstepfunctions.TaskStateBase
	LoadPreferences   awsstepfunctions.TaskStateBase
	GenerateInsights  awsstepfunctions.TaskStateBase
	StoreResults      awsstepfunctions.TaskStateBase
	NotifyProcessed   awsstepfunctions.TaskStateBase
	DeleteThumbnail   awsstepfunctions.TaskStateBase // deletes one thumbnail: {"key": ...}
	QuarantineImage   awsstepfunctions.TaskStateBase
	DeleteOriginal    awsstepfunctions.TaskStateBase
	NotifyQuarantined awsstepfunctions.TaskStateBase
}

// Props configures the workflow.
type Props struct {
	Tasks Tasks
}

// Validate reports a missing or misnamed task.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("imageprocessing: Props is nil")
	}
	t := p.Tasks
	for _, n := range []struct {
		name string
		task awsstepfunctions.TaskStateBase
	}{
		{contract.StateExtractMetadata, t.ExtractMetadata}, {contract.StateDetectLabels, t.DetectLabels}, {contract.StateDetectModeration, t.DetectModeration},
		{contract.StateMakeThumbnails, t.MakeThumbnails}, {contract.StateLoadPreferences, t.LoadPreferences}, {contract.StateGenerateInsights, t.GenerateInsights},
		{contract.StateStoreResults, t.StoreResults}, {contract.StateNotifyProcessed, t.NotifyProcessed}, {contract.StateQuarantineImage, t.QuarantineImage},
		{contract.StateDeleteOriginal, t.DeleteOriginal}, {contract.StateNotifyQuarantined, t.NotifyQuarantined},
		{contract.StateDeleteThumbnail, t.DeleteThumbnail},
	} {
		if n.task == nil {
			return fmt.Errorf("imageprocessing: Props.Tasks.%s is nil", n.name)
		}
		if id := *n.task.Node().Id(); id != n.name {
			return fmt.Errorf("imageprocessing: Props.Tasks.%s has construct id %q; give it the id %q", n.name, id, n.name)
		}
	}
	if t.InvokeCustomModel != nil && *t.InvokeCustomModel.Node().Id() != contract.StateInvokeCustomModel {
		return fmt.Errorf("imageprocessing: Props.Tasks.InvokeCustomModel must have the id %q", contract.StateInvokeCustomModel)
	}
	return nil
}

// Definition wires the tasks into the workflow and returns its first state.
func Definition(scope constructs.Construct, props *Props) awsstepfunctions.IChainable {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	t := props.Tasks
	failed := awsstepfunctions.NewFail(scope, jsii.String(contract.StateProcessingFailed), &awsstepfunctions.FailProps{
		Error: jsii.String(contract.StateProcessingFailed), CausePath: jsii.String(contract.PathError + ".Cause"),
	})

	// Quarantine: copy to quarantine/, delete the upload, tell the user.
	quarantined := awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateImageQuarantined), nil)
	step(t.NotifyQuarantined, quarantined, failed, contract.ErrorTaskFailed)
	step(t.DeleteOriginal, t.NotifyQuarantined, failed, contract.ErrorTaskFailed)
	step(t.QuarantineImage, t.DeleteOriginal, failed, contract.ErrorTaskFailed)

	// Results: store once per object version, then announce.
	step(t.NotifyProcessed, awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateImageProcessed), nil), failed, contract.ErrorTaskFailed)
	catch(t.StoreResults, awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateAlreadyProcessed), &awsstepfunctions.SucceedProps{
		Comment: jsii.String("A repeated event: these results were stored and announced before"),
	}), "$.storeError", contract.ErrorConditionFailed)
	t.StoreResults.AddRetry(retry.Standard("DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException", "DynamoDB.InternalServerErrorException"))
	step(t.StoreResults, t.NotifyProcessed, failed)
	step(t.GenerateInsights, t.StoreResults, failed)

	flagUnsafe := awsstepfunctions.NewPass(scope, jsii.String(contract.StateFlagUnsafe), &awsstepfunctions.PassProps{
		Parameters: &map[string]interface{}{
			"Error":    contract.ErrorUnsafeContent,
			"Cause":    "Rekognition found content that needs moderation",
			"labels.$": contract.PathAnalysis + ".moderation",
		},
		ResultPath: jsii.String(contract.PathQuarantine),
	})
	// Thumbnails were made while moderation ran; unsafe content must not
	// stay reachable through them. If they cannot be deleted the execution
	// fails (and alarms) rather than reporting the image quarantined.
	deleteThumbnails := awsstepfunctions.NewMap(scope, jsii.String(contract.StateDeleteThumbnails), &awsstepfunctions.MapProps{
		Comment:        jsii.String("Deletes the thumbnails of an unsafe image"),
		ItemsPath:      jsii.String(contract.PathAnalysis + ".thumbnails"),
		ItemSelector:   &map[string]interface{}{"key.$": "$$.Map.Item.Value.key"},
		MaxConcurrency: jsii.Number(4),
		ResultPath:     awsstepfunctions.JsonPath_DISCARD(),
	})
	t.DeleteThumbnail.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	deleteThumbnails.ItemProcessor(t.DeleteThumbnail, nil)
	deleteThumbnails.AddCatch(failed, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorAll), ResultPath: jsii.String(contract.PathError)})
	deleteThumbnails.Next(t.QuarantineImage)
	flagUnsafe.Next(deleteThumbnails)
	moderate := awsstepfunctions.NewChoice(scope, jsii.String(contract.StateModerate), &awsstepfunctions.ChoiceProps{
		Comment: jsii.String("Any moderation label at or above the configured confidence quarantines the image"),
	}).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(contract.PathAnalysis+".moderation[0]")), flagUnsafe, nil).
		Otherwise(t.GenerateInsights)

	// Preferences are optional: a user without them, or a failed read,
	// gets the defaults (the error stands where the item would).
	t.LoadPreferences.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	catch(t.LoadPreferences, moderate, contract.PathPreferences, contract.ErrorAll)
	t.LoadPreferences.Next(moderate)

	analyze := awsstepfunctions.NewParallel(scope, jsii.String(contract.StateAnalyze), &awsstepfunctions.ParallelProps{
		Comment:        jsii.String("Labels, moderation, thumbnails (and the custom model) at once"),
		ResultPath:     jsii.String(contract.PathAnalysis),
		ResultSelector: analysisSelector(t.InvokeCustomModel != nil),
	})
	t.DetectLabels.AddRetry(retry.Standard(contract.RekognitionTransientErrors...))
	t.DetectModeration.AddRetry(retry.Standard(contract.RekognitionTransientErrors...))
	branches := []awsstepfunctions.IChainable{t.DetectLabels, t.DetectModeration, t.MakeThumbnails}
	if t.InvokeCustomModel != nil {
		t.InvokeCustomModel.AddRetry(retry.Standard("SageMakerRuntime.ServiceUnavailableException", "SageMakerRuntime.InternalFailureException"))
		branches = append(branches, t.InvokeCustomModel)
	}
	for _, b := range branches {
		analyze.Branch(b)
	}
	analyze.AddCatch(t.QuarantineImage, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorUnsupportedImage), ResultPath: jsii.String(contract.PathQuarantine)})
	analyze.AddCatch(failed, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorAll), ResultPath: jsii.String(contract.PathError)})
	analyze.Next(t.LoadPreferences)

	catch(t.ExtractMetadata, t.QuarantineImage, contract.PathQuarantine, contract.ErrorUnsupportedImage)
	catch(t.ExtractMetadata, awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateNothingToDo), &awsstepfunctions.SucceedProps{
		Comment: jsii.String("The upload was deleted (or quarantined by an earlier delivery of this event)"),
	}), contract.PathError, contract.ErrorImageGone)
	step(t.ExtractMetadata, analyze, failed)
	return t.ExtractMetadata
}

// analysisSelector keeps what later steps read from the branches' results,
// in branch order.
func analysisSelector(custom bool) *map[string]interface{} {
	s := map[string]interface{}{
		"labels.$":     "$[0].Labels",
		"moderation.$": "$[1].ModerationLabels",
		"thumbnails.$": "$[2].thumbnails",
	}
	if custom {
		s["custom.$"] = "$[3].prediction"
	}
	return &s
}

// step retries the given errors with the standard policy (if any), sends
// every other failure to failed, and continues with next.
func step(task awsstepfunctions.TaskStateBase, next, failed awsstepfunctions.IChainable, retried ...string) {
	if len(retried) > 0 {
		task.AddRetry(retry.Standard(retried...))
	}
	catch(task, failed, contract.PathError, contract.ErrorAll)
	task.Next(next)
}

func catch(task awsstepfunctions.TaskStateBase, handler awsstepfunctions.IChainable, resultPath string, errors ...string) {
	task.AddCatch(handler, &awsstepfunctions.CatchProps{Errors: jsii.Strings(errors...), ResultPath: jsii.String(resultPath)})
}
