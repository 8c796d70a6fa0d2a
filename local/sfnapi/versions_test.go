package sfnapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// passing is a one-state machine whose output names it.
func passing(label string) string {
	return `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ran": "` + label + `"}, "End": true}}}`
}

func TestUpdateStateMachineKeepsRunningExecutions(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Approval", approval, "")
	before, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || before.RevisionId != nil { // none until the first update, as in AWS
		t.Fatalf("DescribeStateMachine: %+v, %v", before, err)
	}
	running, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}

	// WHEN the definition and the logging change while an execution waits.
	group := "arn:aws:logs:us-east-1:123456789012:log-group:sfn:*"
	up, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(passing("new")),
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll, Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(group)}}}},
		TracingConfiguration: &types.TracingConfiguration{Enabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	if up.UpdateDate == nil || aws.ToString(up.RevisionId) == "" || up.StateMachineVersionArn != nil {
		t.Errorf("UpdateStateMachine: %+v", up)
	}

	// THEN the waiting execution keeps its definition; a new one runs the new.
	old, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: running.ExecutionArn})
	if err != nil || aws.ToString(old.Definition) != approval || old.RevisionId != nil {
		t.Errorf("DescribeStateMachineForExecution of the running one: %.40s, %v", aws.ToString(old.Definition), err)
	}
	fresh, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, aws.ToString(fresh.ExecutionArn)); aws.ToString(d.Output) != `{"ran":"new"}` {
		t.Errorf("a new execution ran %s", aws.ToString(d.Output))
	}
	now, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: fresh.ExecutionArn})
	if err != nil || aws.ToString(now.Definition) != passing("new") || !now.TracingConfiguration.Enabled || now.LoggingConfiguration.Level != types.LogLevelAll {
		t.Errorf("DescribeStateMachineForExecution of the new one: %+v, %v", now, err)
	}
	d, _ := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if aws.ToString(d.Definition) != passing("new") || aws.ToString(d.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) != group {
		t.Errorf("DescribeStateMachine after the update: %+v", d)
	}
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: running.ExecutionArn}); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []struct {
		in   sfn.UpdateStateMachineInput
		want string
	}{
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn)}, "MissingRequiredParameter"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(`{"StartAt": "Nowhere", "States": {}}`)}, "InvalidDefinition"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String("role")}, "InvalidArn"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelError}}, "InvalidLoggingConfiguration"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), LoggingConfiguration: &types.LoggingConfiguration{Level: "LOUD"}}, "ValidationException"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String(role), VersionDescription: aws.String("no publish")}, "ValidationException"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String(role), Publish: true, VersionDescription: aws.String(strings.Repeat("d", 257))}, "ValidationException"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn + ":1"), RoleArn: aws.String(role)}, "ValidationException"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn + "Gone"), RoleArn: aws.String(role)}, "StateMachineDoesNotExist"},
		{sfn.UpdateStateMachineInput{StateMachineArn: aws.String("nonsense"), RoleArn: aws.String(role)}, "InvalidArn"},
	} {
		if _, err := c.UpdateStateMachine(ctx, &bad.in); code(err) != bad.want {
			t.Errorf("UpdateStateMachine(%+v): %v; want %s", bad.in, err, bad.want)
		}
	}
	if _, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(strings.Replace(aws.ToString(fresh.ExecutionArn), ":execution:", ":nothing:", 1))}); code(err) != "InvalidArn" {
		t.Errorf("DescribeStateMachineForExecution of a bad ARN: %v", err)
	}
}

func TestVersions(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Versioned", passing("one"), "")

	v1, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), Description: aws.String("first"), RevisionId: aws.String("INITIAL")})
	if err != nil || aws.ToString(v1.StateMachineVersionArn) != arn+":1" {
		t.Fatalf("PublishStateMachineVersion: %+v, %v", v1, err)
	}
	// Publishing an unchanged machine answers the latest version.
	if again, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn)}); err != nil || aws.ToString(again.StateMachineVersionArn) != arn+":1" {
		t.Errorf("publishing again: %+v, %v", again, err)
	}
	if _, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), Description: aws.String("other")}); code(err) != "ConflictException" {
		t.Errorf("publishing again with another description: %v", err)
	}
	up, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(passing("two")), Publish: true, VersionDescription: aws.String("second")})
	if err != nil || aws.ToString(up.StateMachineVersionArn) != arn+":2" {
		t.Fatalf("UpdateStateMachine with publish: %+v, %v", up, err)
	}
	for _, stale := range []string{"stale", "INITIAL"} {
		if _, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), RevisionId: aws.String(stale)}); code(err) != "ConflictException" {
			t.Errorf("publishing a stale revision %s: %v", stale, err)
		}
	}
	if d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil || aws.ToString(d.RevisionId) != aws.ToString(up.RevisionId) {
		t.Errorf("the revision after the update: %v, %v", d.RevisionId, err)
	} else if _, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), RevisionId: d.RevisionId}); err != nil {
		t.Errorf("publishing the current revision again: %v", err)
	}

	// A version keeps its definition; an execution by version ARN runs it.
	d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")})
	if err != nil || aws.ToString(d.Definition) != passing("one") || aws.ToString(d.Description) != "first" || aws.ToString(d.StateMachineArn) != arn+":1" {
		t.Errorf("DescribeStateMachine of version 1: %+v, %v", d, err)
	}
	x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":1")})
	if err != nil {
		t.Fatal(err)
	}
	done := wait(t, c, aws.ToString(x.ExecutionArn))
	if aws.ToString(done.Output) != `{"ran":"one"}` || aws.ToString(done.StateMachineVersionArn) != arn+":1" || done.StateMachineAliasArn != nil || aws.ToString(done.StateMachineArn) != arn {
		t.Errorf("an execution of version 1: %+v", done)
	}

	list, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn), MaxResults: 1})
	if err != nil || len(list.StateMachineVersions) != 1 || aws.ToString(list.StateMachineVersions[0].StateMachineVersionArn) != arn+":2" || list.NextToken == nil {
		t.Fatalf("ListStateMachineVersions: %+v, %v", list, err)
	}
	rest, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn), NextToken: list.NextToken})
	if err != nil || len(rest.StateMachineVersions) != 1 || aws.ToString(rest.StateMachineVersions[0].StateMachineVersionArn) != arn+":1" || rest.NextToken != nil {
		t.Errorf("the second page: %+v, %v", rest, err)
	}
	if _, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn), NextToken: aws.String("made-up")}); code(err) != "InvalidToken" {
		t.Errorf("a made-up token: %v", err)
	}

	// Deleting: version numbers are not reused; an unknown one succeeds.
	if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":9")}); err != nil {
		t.Errorf("deleting an unknown version: %v", err)
	}
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(passing("three")), Publish: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":3")}); err != nil {
		t.Errorf("version 3 after deleting 2: %v", err)
	}
	for _, bad := range []struct {
		call func() error
		want string
	}{
		{func() error {
			_, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String("nonsense")})
			return err
		}, "InvalidArn"},
		{func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":2")})
			return err
		}, "StateMachineDoesNotExist"},
		{func() error {
			_, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn + "Gone")})
			return err
		}, "StateMachineDoesNotExist"},
		{func() error {
			_, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), Description: aws.String(strings.Repeat("d", 257))})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn + "Gone")})
			return err
		}, "StateMachineDoesNotExist"},
	} {
		if err := bad.call(); code(err) != bad.want {
			t.Errorf("%v; want %s", err, bad.want)
		}
	}

	// Deleting the machine deletes its versions.
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	create(t, c, "Versioned", passing("one"), "")
	if list, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)}); err != nil || len(list.StateMachineVersions) != 0 {
		t.Errorf("versions of a re-created machine: %+v, %v", list, err)
	}
}

// TestUpdatesWhileExecutionsStart updates, publishes and starts at once:
// each execution runs one whole definition, the one its
// DescribeStateMachineForExecution answers (run with -race).
func TestUpdatesWhileExecutionsStart(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Busy", passing("0"), "")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= 20; i++ {
			if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(passing(strconv.Itoa(i))), Publish: i%2 == 0}); err != nil {
				t.Error(err)
			}
		}
	}()
	var started []string
	for range 20 {
		x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		started = append(started, aws.ToString(x.ExecutionArn))
	}
	wg.Wait()
	for _, x := range started {
		d := wait(t, c, x)
		def, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(x)})
		if err != nil {
			t.Fatal(err)
		}
		var ran struct{ Ran string }
		json.Unmarshal([]byte(aws.ToString(d.Output)), &ran)
		if aws.ToString(def.Definition) != passing(ran.Ran) {
			t.Errorf("%s ran %s but reports the definition %s", x, aws.ToString(d.Output), aws.ToString(def.Definition))
		}
	}
	versions, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(versions.StateMachineVersions) != 10 {
		t.Errorf("10 publishing updates made %d versions, %v", len(versions.StateMachineVersions), err)
	}
}

func TestCreateStateMachinePublishesVersionOne(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("Published"), Definition: aws.String(passing("one")), RoleArn: aws.String(role),
		Publish: true, VersionDescription: aws.String("first"),
	})
	if err != nil || aws.ToString(out.StateMachineVersionArn) != aws.ToString(out.StateMachineArn)+":1" {
		t.Fatalf("CreateStateMachine with publish: %+v, %v", out, err)
	}
	v, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: out.StateMachineVersionArn})
	if err != nil || aws.ToString(v.Description) != "first" {
		t.Errorf("DescribeStateMachine of version 1: %+v, %v", v, err)
	}
	// A description without publishing is refused, as AWS refuses it.
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("Unpublished"), Definition: aws.String(passing("one")), RoleArn: aws.String(role),
		VersionDescription: aws.String("first"),
	})
	if code(err) != "ValidationException" {
		t.Errorf("a version description without publish: %v", err)
	}
}
