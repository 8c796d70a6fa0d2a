package sfnapi

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// distributed is a Distributed Map over the input whose children run the
// task resource, at most limit at a time.
func distributed(resource, limit string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":` + limit + `,"Label":"fan","End":true,
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
	    "T":{"Type":"Task","Resource":"` + resource + `","End":true}}}}}}`
}

func TestMapRunWhileItRuns(t *testing.T) {
	ctx := context.Background()
	b := newBoard()
	c := boardClient(t, b)
	sm := create(t, c, "fanout", distributed("arn:aws:lambda:us-east-1:123456789012:function:block", "1"), types.StateMachineTypeStandard)
	arn := start(t, c, sm, `[1,2,3]`)
	<-b.started
	// GIVEN a map run with one child running and two pending
	runs, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns: %v, %+v", err, runs)
	}
	run := runs.MapRuns[0]
	if !strings.Contains(aws.ToString(run.MapRunArn), ":mapRun:fanout/fan:") || aws.ToString(run.StateMachineArn) != strings.Replace(sm, "fanout", "fanout/fan", 1) {
		t.Errorf("map run %s of %s", aws.ToString(run.MapRunArn), aws.ToString(run.StateMachineArn))
	}
	d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: run.MapRunArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.MapRunStatusRunning || d.MaxConcurrency != 1 || d.ExecutionCounts.Running != 1 || d.ExecutionCounts.Pending != 2 || d.ItemCounts.Total != 3 || aws.ToString(d.ExecutionArn) != arn {
		t.Errorf("running map run: %s, max %d, executions %+v, items %+v", d.Status, d.MaxConcurrency, d.ExecutionCounts, d.ItemCounts)
	}
	// WHEN its concurrency is raised
	if _, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: run.MapRunArn, MaxConcurrency: aws.Int32(3), ToleratedFailureCount: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	// THEN the pending children start while the first still runs
	<-b.started
	<-b.started
	d, _ = c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: run.MapRunArn})
	if d.MaxConcurrency != 3 || d.ToleratedFailureCount != 1 || d.ExecutionCounts.Running != 3 {
		t.Errorf("updated map run: max %d, tolerated %d, executions %+v", d.MaxConcurrency, d.ToleratedFailureCount, d.ExecutionCounts)
	}
	close(b.release)
	wait(t, c, arn)
	d, _ = c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: run.MapRunArn})
	if d.Status != types.MapRunStatusSucceeded || d.StopDate == nil || d.ExecutionCounts.Succeeded != 3 || d.ItemCounts.Succeeded != 3 {
		t.Errorf("ended map run: %s, executions %+v", d.Status, d.ExecutionCounts)
	}
	// AND its children are listed by map run, in pages
	page, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: run.MapRunArn, MaxResults: 2})
	if err != nil || len(page.Executions) != 2 || page.NextToken == nil {
		t.Fatalf("first page: %v, %+v", err, page)
	}
	rest, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: run.MapRunArn, NextToken: page.NextToken})
	if err != nil || len(rest.Executions) != 1 || rest.NextToken != nil {
		t.Fatalf("second page: %v, %+v", err, rest)
	}
	child := rest.Executions[0]
	if aws.ToString(child.MapRunArn) != aws.ToString(run.MapRunArn) || child.Status != types.ExecutionStatusSucceeded || !strings.Contains(aws.ToString(child.ExecutionArn), ":execution:fanout/fan:") {
		t.Errorf("child %+v", child)
	}
	if _, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: run.MapRunArn, MaxConcurrency: aws.Int32(2)}); code(err) != "ValidationException" {
		t.Errorf("update of an ended map run: %v", err)
	}
}

func TestMapRunIsRedrivenWithItsParent(t *testing.T) {
	ctx := context.Background()
	b := newBoard("y")
	c := boardClient(t, b)
	sm := create(t, c, "items", distributed("arn:aws:lambda:us-east-1:123456789012:function:item", "0"), types.StateMachineTypeStandard)
	arn := start(t, c, sm, `[{"id":"x"},{"id":"y"}]`)
	wait(t, c, arn)
	runs, _ := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)})
	d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	if err != nil || d.Status != types.MapRunStatusFailed || d.ExecutionCounts.Failed != 1 || aws.ToInt64(d.ExecutionCounts.PendingRedrive) != 1 {
		t.Fatalf("failed map run: %v, %+v", err, d)
	}
	failed, _ := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn, StatusFilter: types.ExecutionStatusFailed})
	if len(failed.Executions) != 1 {
		t.Errorf("failed children: %+v", failed.Executions)
	}
	b.mend()
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if s := wait(t, c, arn).Status; s != types.ExecutionStatusSucceeded {
		t.Fatalf("redriven execution %s", s)
	}
	d, _ = c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	if d.Status != types.MapRunStatusSucceeded || aws.ToInt32(d.RedriveCount) != 1 || d.RedriveDate == nil || d.ExecutionCounts.Succeeded != 2 || b.count("x") != 1 {
		t.Errorf("redriven map run: %s, count %d, executions %+v, x ran %d times", d.Status, aws.ToInt32(d.RedriveCount), d.ExecutionCounts, b.count("x"))
	}
	all, _ := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	if len(all.Executions) != 2 || all.Executions[0].Status != types.ExecutionStatusSucceeded || all.Executions[1].Status != types.ExecutionStatusSucceeded {
		t.Errorf("children after the redrive: %+v", all.Executions)
	}
}

func TestMapRunBadInput(t *testing.T) {
	ctx := context.Background()
	c := boardClient(t, newBoard())
	sm := create(t, c, "plain", twoSteps, types.StateMachineTypeStandard)
	arn := start(t, c, sm, `{}`)
	unknown := aws.String("arn:aws:states:us-east-1:123456789012:mapRun:plain/M:00000000-0000-4000-8000-000000000000")
	cases := map[string]struct {
		call func() error
		want string
	}{
		"describe, not a map run ARN": {func() error {
			_, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(sm)})
			return err
		}, "InvalidArn"},
		"describe, unknown": {func() error {
			_, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: unknown})
			return err
		}, "ResourceNotFound"},
		"update, unknown": {func() error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: unknown, MaxConcurrency: aws.Int32(1)})
			return err
		}, "ResourceNotFound"},
		"update, not an ARN": {func() error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String("run"), MaxConcurrency: aws.Int32(1)})
			return err
		}, "InvalidArn"},
		"list, unknown execution": {func() error {
			_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(strings.Replace(arn, ":plain:", ":other:", 1))})
			return err
		}, "ExecutionDoesNotExist"},
		"list, bad token": {func() error {
			_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn), NextToken: aws.String("made-up")})
			return err
		}, "InvalidToken"},
		"list executions, unknown map run": {func() error {
			_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: unknown})
			return err
		}, "ResourceNotFound"},
	}
	for name, tc := range cases {
		if err := tc.call(); code(err) != tc.want {
			t.Errorf("%s: got %v, want %s", name, err, tc.want)
		}
	}
	if l, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)}); err != nil || len(l.MapRuns) != 0 {
		t.Errorf("map runs of a machine without one: %v, %+v", err, l)
	}
}

func TestUpdateMapRunValidation(t *testing.T) {
	ctx := context.Background()
	b := newBoard()
	c := boardClient(t, b)
	sm := create(t, c, "held", distributed("arn:aws:lambda:us-east-1:123456789012:function:block", "1"), types.StateMachineTypeStandard)
	arn := start(t, c, sm, `[1]`)
	<-b.started
	defer func() { close(b.release); wait(t, c, arn) }()
	runs, _ := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)})
	run := runs.MapRuns[0].MapRunArn
	for name, in := range map[string]*sfn.UpdateMapRunInput{
		"nothing to update":    {MapRunArn: run},
		"negative concurrency": {MapRunArn: run, MaxConcurrency: aws.Int32(-1)},
		"percentage over 100":  {MapRunArn: run, ToleratedFailurePercentage: aws.Float32(150)},
		"negative count":       {MapRunArn: run, ToleratedFailureCount: aws.Int64(-2)},
	} {
		if _, err := c.UpdateMapRun(ctx, in); code(err) != "ValidationException" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
