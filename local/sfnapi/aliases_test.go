package sfnapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
)

// publish updates the machine to passing(label) and publishes it.
func publish(t *testing.T, c *sfn.Client, arn, label string) string {
	t.Helper()
	out, err := c.UpdateStateMachine(context.Background(), &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(passing(label)), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineVersionArn)
}

func routes(pairs ...any) []types.RoutingConfigurationListItem {
	var out []types.RoutingConfigurationListItem
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, types.RoutingConfigurationListItem{StateMachineVersionArn: aws.String(pairs[i].(string)), Weight: int32(pairs[i+1].(int))})
	}
	return out
}

func TestAliasRoutesExecutions(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Aliased", passing("zero"), "")
	v1, v2 := publish(t, c, arn, "one"), publish(t, c, arn, "two")

	created, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"), Description: aws.String("what users run"), RoutingConfiguration: routes(v1, 100)})
	if err != nil || aws.ToString(created.StateMachineAliasArn) != arn+":live" {
		t.Fatalf("CreateStateMachineAlias: %+v, %v", created, err)
	}
	alias := aws.ToString(created.StateMachineAliasArn)
	// The same request again is idempotent; another routing conflicts.
	if again, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"), Description: aws.String("what users run"), RoutingConfiguration: routes(v1, 100)}); err != nil || aws.ToString(again.StateMachineAliasArn) != alias {
		t.Errorf("creating the alias again: %v", err)
	}
	if _, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"), RoutingConfiguration: routes(v2, 100)}); code(err) != "ConflictException" {
		t.Errorf("creating it with another routing: %v", err)
	}

	run := func() *sfn.DescribeExecutionOutput {
		t.Helper()
		x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(alias)})
		if err != nil {
			t.Fatal(err)
		}
		return wait(t, c, aws.ToString(x.ExecutionArn))
	}
	if d := run(); aws.ToString(d.Output) != `{"ran":"one"}` || aws.ToString(d.StateMachineVersionArn) != v1 || aws.ToString(d.StateMachineAliasArn) != alias {
		t.Errorf("an execution of the alias: %s %s %s", aws.ToString(d.Output), aws.ToString(d.StateMachineVersionArn), aws.ToString(d.StateMachineAliasArn))
	}

	// WHEN traffic is split, THEN both versions run, each recorded.
	if _, err := c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(alias), RoutingConfiguration: routes(v1, 50, v2, 50)}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 60 && len(seen) < 2; i++ {
		d := run()
		if want := map[string]string{v1: `{"ran":"one"}`, v2: `{"ran":"two"}`}[aws.ToString(d.StateMachineVersionArn)]; aws.ToString(d.Output) != want {
			t.Fatalf("version %s ran %s", aws.ToString(d.StateMachineVersionArn), aws.ToString(d.Output))
		}
		seen[aws.ToString(d.StateMachineVersionArn)] = true
	}
	if len(seen) != 2 {
		t.Errorf("60 executions of a 50/50 alias ran only %v", seen)
	}

	// Executions are listed by alias and by version.
	byAlias, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(alias)})
	if err != nil || len(byAlias.Executions) < 3 {
		t.Errorf("ListExecutions by alias: %+v, %v", byAlias, err)
	}
	byVersion, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(v2)})
	if err != nil || len(byVersion.Executions) == 0 || len(byVersion.Executions) >= len(byAlias.Executions) {
		t.Errorf("ListExecutions by version 2: %d of %d, %v", len(byVersion.Executions), len(byAlias.Executions), err)
	}
	if all, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn)}); err != nil || len(all.Executions) != len(byAlias.Executions) {
		t.Errorf("ListExecutions of the machine: %+v, %v", all, err)
	}

	d, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(alias)})
	if err != nil || aws.ToString(d.Name) != "live" || aws.ToString(d.Description) != "what users run" || len(d.RoutingConfiguration) != 2 || d.UpdateDate == nil {
		t.Errorf("DescribeStateMachineAlias: %+v, %v", d, err)
	}
	if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v2)}); code(err) != "ConflictException" {
		t.Errorf("deleting a version the alias routes to: %v", err)
	}
	if _, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("canary"), RoutingConfiguration: routes(v2, 100)}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(arn), MaxResults: 1})
	if err != nil || len(list.StateMachineAliases) != 1 || list.NextToken == nil {
		t.Fatalf("ListStateMachineAliases: %+v, %v", list, err)
	}
	rest, err := c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(arn), NextToken: list.NextToken})
	if err != nil || len(rest.StateMachineAliases) != 1 || aws.ToString(rest.StateMachineAliases[0].StateMachineAliasArn) != arn+":canary" {
		t.Errorf("the second page: %+v, %v", rest, err)
	}

	for _, bad := range []struct {
		call func() error
		want string
	}{
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("123"), RoutingConfiguration: routes(v1, 100)})
			return err
		}, "InvalidName"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("a b"), RoutingConfiguration: routes(v1, 100)})
			return err
		}, "InvalidName"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: routes(v1, 60, v2, 30)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: routes(v1, 50, v1, 50)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: routes(v1, 40, v2, 30, v1, 30)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: routes(arn+":7", 100)})
			return err
		}, "ResourceNotFound"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: routes(arn, 100)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), Description: aws.String(strings.Repeat("d", 257)), RoutingConfiguration: routes(v1, 100)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(arn + ":nope")})
			return err
		}, "ResourceNotFound"},
		{func() error {
			_, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(v1)})
			return err
		}, "InvalidArn"},
		{func() error {
			_, err := c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(alias)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(alias), RoutingConfiguration: routes(v1, 101)})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":nope")})
			return err
		}, "StateMachineDoesNotExist"},
		{func() error {
			_, err := c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String("nonsense")})
			return err
		}, "InvalidArn"},
		{func() error {
			_, err := c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(arn + ":nope")})
			return err
		}, "ResourceNotFound"},
	} {
		if err := bad.call(); code(err) != bad.want {
			t.Errorf("%v; want %s", err, bad.want)
		}
	}

	// Once no alias routes to a version, it can be deleted.
	for _, a := range []string{alias, arn + ":canary"} {
		if _, err := c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(a)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v2)}); err != nil {
		t.Errorf("deleting a version no alias routes to: %v", err)
	}
	if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(alias)}); code(err) != "StateMachineDoesNotExist" {
		t.Errorf("starting a deleted alias: %v", err)
	}
}

// FuzzVersionedRequests sends arbitrary bodies to the operations on
// versions, aliases, tags, validation and TestState, against a machine
// with a version and an alias: every answer is a 200 or an AWS error.
func FuzzVersionedRequests(f *testing.F) {
	srv := New(Options{Clock: asl.NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
	const m = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
	for _, call := range [][2]string{
		{"CreateStateMachine", `{"name":"m","definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"` + role + `"}`},
		{"PublishStateMachineVersion", `{"stateMachineArn":"` + m + `"}`},
		{"CreateStateMachineAlias", `{"name":"live","routingConfiguration":[{"stateMachineVersionArn":"` + m + `:1","weight":100}]}`},
	} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(call[1]))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions."+call[0])
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			f.Fatalf("%s: %s", call[0], rec.Body.String())
		}
	}
	f.Add("UpdateStateMachine", `{"stateMachineArn":"`+m+`","definition":"{}","publish":true,"versionDescription":"x","loggingConfiguration":{"level":"ALL","destinations":[{}]}}`)
	f.Add("StartExecution", `{"stateMachineArn":"`+m+`:live"}`)
	f.Add("DescribeStateMachine", `{"stateMachineArn":"`+m+`:1"}`)
	f.Add("UpdateStateMachineAlias", `{"stateMachineAliasArn":"`+m+`:live","routingConfiguration":[{"stateMachineVersionArn":"`+m+`:1","weight":50},{"stateMachineVersionArn":"`+m+`:2","weight":50}]}`)
	f.Add("DeleteStateMachineVersion", `{"stateMachineVersionArn":"`+m+`:1"}`)
	f.Add("ListStateMachineAliases", `{"stateMachineArn":"`+m+`","maxResults":1,"nextToken":"b2Zmc2V0OjE"}`)
	f.Add("TagResource", `{"resourceArn":"`+m+`","tags":[{"key":"k","value":"v"}]}`)
	f.Add("UntagResource", `{"resourceArn":"`+m+`","tagKeys":["k",1]}`)
	f.Add("ValidateStateMachineDefinition", `{"definition":"{}","severity":"WARNING","maxResults":3}`)
	f.Add("TestState", `{"definition":"{\"Type\":\"Pass\",\"End\":true}","inspectionLevel":"DEBUG"}`)
	f.Fuzz(func(t *testing.T, action, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%s %q: status %d %s", action, body, rec.Code, rec.Body.String())
		}
	})
}
