package console_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/local/harness"
)

// TestVersionsAndAliases: a state machine's page lists its versions and
// aliases, with the alias's routing, as ListStateMachineVersions and
// ListStateMachineAliases answer them, and an execution started through
// the alias names the version the routing picked.
func TestVersionsAndAliases(t *testing.T) {
	s := serve(t)
	ctx := context.Background()
	machine := s.arns[harness.StackOrderFulfillment]
	v1, err := s.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine), Description: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	updated, err := s.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/Canary"), Publish: true, VersionDescription: aws.String("the <em>canary</em>")})
	if err != nil {
		t.Fatal(err)
	}
	v2 := aws.ToString(updated.StateMachineVersionArn)
	for name, routing := range map[string][]types.RoutingConfigurationListItem{
		"live": {{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 90}, {StateMachineVersionArn: aws.String(v2), Weight: 10}},
		"beta": {{StateMachineVersionArn: aws.String(v2), Weight: 100}},
	} {
		if _, err := s.client.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String(name), Description: aws.String(name + " <traffic>"),
			RoutingConfiguration: routing}); err != nil {
			t.Fatal(err)
		}
	}
	page := s.page(t, "machine?arn="+url.QueryEscape(machine))

	versions, err := s.client.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine)})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, v := range versions.StateMachineVersions {
		d, err := s.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: v.StateMachineVersionArn})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, aws.ToString(v.StateMachineVersionArn)+" | "+aws.ToString(d.Description))
	}
	var shown []string
	for _, row := range table(page, "versions") {
		shown = append(shown, row[0]+" | "+row[1])
	}
	if len(want) != 2 || strings.Join(shown, "\n") != strings.Join(want, "\n") {
		t.Errorf("the versions table shows\n%s\nListStateMachineVersions answers\n%s", strings.Join(shown, "\n"), strings.Join(want, "\n"))
	}

	aliases, err := s.client.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(machine)})
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for _, a := range aliases.StateMachineAliases {
		d, err := s.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: a.StateMachineAliasArn})
		if err != nil {
			t.Fatal(err)
		}
		var routes []string
		for _, r := range d.RoutingConfiguration {
			routes = append(routes, fmt.Sprintf("%d%% → %s", r.Weight, aws.ToString(r.StateMachineVersionArn)))
		}
		want = append(want, aws.ToString(a.StateMachineAliasArn)+" | "+aws.ToString(d.Description)+" | "+strings.Join(routes, " "))
	}
	shown = nil
	for _, row := range table(page, "aliases") {
		shown = append(shown, row[0]+" | "+row[1]+" | "+row[2])
	}
	if len(want) != 2 || strings.Join(shown, "\n") != strings.Join(want, "\n") {
		t.Errorf("the aliases table shows\n%s\nListStateMachineAliases answers\n%s", strings.Join(shown, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(page, "<em>") || strings.Contains(page, "<traffic>") {
		t.Error("a description's markup is not escaped")
	}

	// The beta alias routes everything to the second version.
	beta := machine + ":beta"
	started, err := s.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(beta), Input: aws.String(`{"orderId": "by-alias"}`)})
	if err != nil {
		t.Fatal(err)
	}
	d := s.describe(t, aws.ToString(started.ExecutionArn))
	if aws.ToString(d.StateMachineVersionArn) != v2 || aws.ToString(d.StateMachineAliasArn) != beta {
		t.Fatalf("started by %s: version %s, alias %s", beta, aws.ToString(d.StateMachineVersionArn), aws.ToString(d.StateMachineAliasArn))
	}
	row := table(s.page(t, "machine?arn="+url.QueryEscape(machine)), "executions")
	if len(row) == 0 || row[0][len(row[0])-1] != v2+" "+beta {
		t.Errorf("the newest execution's row is %q; want its version %s and alias %s", row, v2, beta)
	}
	page = s.page(t, executionPath(aws.ToString(started.ExecutionArn)))
	if facts := text(page); !strings.Contains(facts, "Version "+v2) || !strings.Contains(facts, "Alias "+beta) {
		t.Errorf("the execution's page does not name its version %s and alias %s", v2, beta)
	}
}
