// Package smoke runs the workflows' sample scenarios against a Step
// Functions endpoint, AWS itself after `cdk deploy` or `sfnkit serve`, with
// the AWS SDK: it starts each execution, answers the approval requests,
// waits with a bounded poll, and checks the terminal status and the last
// state against what the scenario expects.
package smoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/harness"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// Options configure a smoke run.
type Options struct {
	Client *sfn.Client
	// Assembly is the synthesized app: the scenarios' inputs are built from
	// its templates, and --create makes its state machines.
	Assembly *cfn.Assembly
	// Machines maps each stack to its state machine's ARN.
	Machines map[string]string
	// All runs every scenario, which needs the sample data `sfnkit serve`
	// seeds; otherwise only the seedless ones, which run against a fresh
	// deployment. Scenarios that wait for a timeout never run.
	All bool
	// Timeout bounds each execution. If zero, two minutes.
	Timeout time.Duration
	// RunID makes order ids and execution names unique per run. If empty,
	// the current time.
	RunID string
	Out   io.Writer
}

// Result is one scenario's verdict.
type Result struct {
	Scenario harness.Scenario
	Status   string
	End      string // the last state entered, when the history is readable
	Path     []string
	Err      error // nil when the scenario ended as designed
}

// Machine is a state machine of the assembly as Create makes it: named
// after its stack, with the definition, type and role synthesized there.
type Machine struct {
	Stack, Name, Definition, Type, RoleArn string
}

// Machines lists the state machines of the assembly that Create makes,
// so that `sfnkit serve --create` makes the same ones in process.
func Machines(asm *cfn.Assembly) ([]Machine, error) {
	var out []Machine
	for _, st := range asm.Stacks {
		machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", st.Name, err)
		}
		for _, m := range machines {
			roleArn, err := cfn.Resolve(st.Template.Resources[m.LogicalID].Properties["RoleArn"], cfn.Placeholders{Template: st.Template})
			if err != nil {
				return nil, fmt.Errorf("stack %s: the role of %s: %w", st.Name, m.LogicalID, err)
			}
			out = append(out, Machine{Stack: st.Name, Name: st.Name, Definition: m.Definition, Type: m.Type, RoleArn: roleArn})
		}
	}
	return out, nil
}

// Create makes every state machine of the assembly on the endpoint, named
// after its stack, and returns the ARNs by stack. A machine that already
// exists with the same definition, type and role is kept, as
// CreateStateMachine answers it (so `smoke --create` runs again against a
// `sfnkit serve --create`); one that differs is an error.
func Create(ctx context.Context, client *sfn.Client, asm *cfn.Assembly) (map[string]string, error) {
	machines, err := Machines(asm)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, m := range machines {
		created, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(m.Name), Definition: aws.String(m.Definition), Type: types.StateMachineType(m.Type), RoleArn: aws.String(m.RoleArn),
		})
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", m.Name, err)
		}
		out[m.Stack] = aws.ToString(created.StateMachineArn)
	}
	return out, nil
}

// Run plays the scenarios and reports each; the error is non-nil when any
// did not end as designed.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.RunID == "" {
		o.RunID = fmt.Sprint(time.Now().Unix())
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	var results []Result
	failed := 0
	for _, s := range harness.Scenarios() {
		if !o.All && !s.Seedless || s.Decision == "ignore" {
			continue
		}
		arn, ok := o.Machines[s.Stack]
		if !ok {
			continue
		}
		r := play(ctx, o, s, arn)
		results = append(results, r)
		mark := "ok  "
		if r.Err != nil {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(o.Out, "%s %s: %s in %s\n", mark, s.Name, r.Status, orUnknown(r.End))
		if len(r.Path) > 0 {
			fmt.Fprintf(o.Out, "     %s\n", strings.Join(r.Path, " → "))
		}
		if r.Err != nil {
			fmt.Fprintf(o.Out, "     %v\n", r.Err)
		}
	}
	fmt.Fprintf(o.Out, "%d scenarios, %d as designed\n", len(results), len(results)-failed)
	if len(results) == 0 {
		return results, errors.New("no scenario ran: no state machine of the assembly was found")
	}
	if failed > 0 {
		return results, fmt.Errorf("%d of %d scenarios did not end as designed", failed, len(results))
	}
	return results, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(history not readable)"
	}
	return s
}

// play runs one scenario against the machine arn.
func play(ctx context.Context, o Options, s harness.Scenario, arn string) Result {
	r := Result{Scenario: s}
	input, name, err := inputOf(o, s)
	if err != nil {
		r.Err = err
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	d, err := o.Client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		r.Err = err
		return r
	}
	var executionArn, errName, output, cause string
	if d.Type == types.StateMachineTypeExpress {
		// Express executions are not described or listed by AWS: run
		// them synchronously.
		out, err := o.Client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(input), Name: name})
		if err != nil {
			r.Err = err
			return r
		}
		executionArn, r.Status, errName = aws.ToString(out.ExecutionArn), string(out.Status), aws.ToString(out.Error)
		output, cause = aws.ToString(out.Output), aws.ToString(out.Cause)
	} else {
		out, err := o.Client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(input), Name: name})
		if err != nil {
			r.Err = err
			return r
		}
		executionArn = aws.ToString(out.ExecutionArn)
		if s.Decision != "" {
			if err := approve(ctx, o.Client, executionArn, s.Decision); err != nil {
				r.Err = err
				return r
			}
		}
		ended, err := await(ctx, o.Client, executionArn)
		if err != nil {
			r.Err = err
			return r
		}
		r.Status, errName = string(ended.Status), aws.ToString(ended.Error)
		output, cause = aws.ToString(ended.Output), aws.ToString(ended.Cause)
	}
	if path, err := history(ctx, o.Client, executionArn); err == nil {
		r.Path = path
		if len(path) > 0 {
			r.End = path[len(path)-1]
		}
	}
	want := string(s.WantStatus)
	switch {
	case r.Status != want:
		r.Err = fmt.Errorf("ended %s (%s); want %s in %s", r.Status, errName, want, s.WantEnd)
	case r.End != "" && r.End != s.WantEnd:
		r.Err = fmt.Errorf("ended in %s; want %s", r.End, s.WantEnd)
	case r.End == "" && want == string(asl.StatusFailed) && errName != s.WantEnd:
		// Without a history, a Fail state is known by its error, which
		// in these workflows is its own name.
		r.Err = fmt.Errorf("failed with %s; want %s", errName, s.WantEnd)
	default:
		r.Err = checkResult(s, output, cause)
	}
	return r
}

// checkResult checks the execution's output and cause against what the
// scenario wants.
func checkResult(s harness.Scenario, output, cause string) error {
	var decoded any
	if output != "" {
		if err := json.Unmarshal([]byte(output), &decoded); err != nil {
			return fmt.Errorf("the output is not JSON: %v", err)
		}
	}
	return s.CheckResult(decoded, cause)
}

// inputOf builds the scenario's input from its template, with the order
// id (and the execution name) made unique to this run.
func inputOf(o Options, s harness.Scenario) (string, *string, error) {
	var tpl *cfn.Template
	for _, st := range o.Assembly.Stacks {
		if st.Name == s.Stack {
			tpl = st.Template
		}
	}
	if tpl == nil {
		return "", nil, fmt.Errorf("the assembly has no stack %s", s.Stack)
	}
	env, err := harness.NewEnv(tpl, "", harness.Options{})
	if err != nil {
		return "", nil, err
	}
	raw, err := s.Input(env)
	if err != nil {
		return "", nil, err
	}
	if s.ExecutionName == "" {
		return string(raw), nil, nil
	}
	var in map[string]any
	if err := json.Unmarshal(raw, &in); err != nil {
		return "", nil, err
	}
	unique := s.ExecutionName + "-" + o.RunID
	if in["orderId"] == s.ExecutionName {
		in["orderId"] = unique
	}
	data, err := json.Marshal(in)
	return string(data), aws.String(unique), err
}

// approve waits for the approval request in the execution's history and
// answers it as the approval callback would.
func approve(ctx context.Context, c *sfn.Client, executionArn, decision string) error {
	for {
		events, err := events(ctx, c, executionArn)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.TaskScheduledEventDetails == nil {
				continue
			}
			var p struct{ MessageBody struct{ TaskToken string } }
			if json.Unmarshal([]byte(aws.ToString(e.TaskScheduledEventDetails.Parameters)), &p) != nil || p.MessageBody.TaskToken == "" {
				continue
			}
			token := aws.String(p.MessageBody.TaskToken)
			if decision == "approve" {
				_, err = c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: token, Output: aws.String(`{"approved":true,"approver":"sfnkit smoke"}`)})
			} else {
				_, err = c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: token, Error: aws.String(order.ErrorApprovalRejected),
					Cause: aws.String(`{"approved":false,"approver":"sfnkit smoke"}`)})
			}
			return err
		}
		if err := pause(ctx); err != nil {
			return fmt.Errorf("no approval request was sent: %w", err)
		}
	}
}

// await polls the execution until it ends or ctx does, and returns its
// final description.
func await(ctx context.Context, c *sfn.Client, executionArn string) (*sfn.DescribeExecutionOutput, error) {
	for {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(executionArn)})
		if err != nil {
			return nil, err
		}
		if d.Status != types.ExecutionStatusRunning {
			return d, nil
		}
		if err := pause(ctx); err != nil {
			return nil, fmt.Errorf("still running: %w", err)
		}
	}
}

func pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(100 * time.Millisecond):
		return nil
	}
}

// events reads an execution's whole history, page by page.
func events(ctx context.Context, c *sfn.Client, executionArn string) ([]types.HistoryEvent, error) {
	var all []types.HistoryEvent
	var token *string
	for {
		page, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(executionArn), NextToken: token, MaxResults: 1000})
		if err != nil {
			return nil, err
		}
		all = append(all, page.Events...)
		if token = page.NextToken; token == nil {
			return all, nil
		}
	}
}

// history is the path an execution took.
func history(ctx context.Context, c *sfn.Client, executionArn string) ([]string, error) {
	all, err := events(ctx, c, executionArn)
	if err != nil {
		return nil, err
	}
	var path []string
	for _, e := range all {
		if e.StateEnteredEventDetails != nil {
			path = append(path, aws.ToString(e.StateEnteredEventDetails.Name))
		}
	}
	return path, nil
}
