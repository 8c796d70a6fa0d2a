package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/local/apigw"
	"github.com/sfnkit/sfnkit/local/console"
	"github.com/sfnkit/sfnkit/local/edge"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/local/sfnapi"
	"github.com/sfnkit/sfnkit/local/triggers"
)

// appFlags are serve's flags for the whole app: the edge port and the
// triggers' clock.
type appFlags struct {
	edgeAddr, clock, clockStart, mocks, credentials string

	trig *triggers.Triggers // once startApp has run
}

// firings lists what the app's triggers did, for the console; none
// before the app runs or without one.
func (f *appFlags) firings() []console.Firing {
	if f.trig == nil {
		return nil
	}
	log := f.trig.Log()
	out := make([]console.Firing, len(log))
	for i, l := range log {
		out[i] = console.Firing{Time: l.Time, Rule: l.Rule, Target: l.Target, Event: l.Event, Outcome: l.Outcome}
	}
	return out
}

func addAppFlags(fs *flag.FlagSet) *appFlags {
	f := &appFlags{}
	fs.StringVar(&f.edgeAddr, "edge-addr", "127.0.0.1:4566", "with --assembly, the address of the edge port that serves the app's fake AWS services (S3, DynamoDB, SQS, SNS, EventBridge PutEvents, API Gateway) and the local-only endpoints under "+edge.LocalPrefix+"; \"off\" serves none")
	fs.StringVar(&f.clock, "clock", "real", "with --assembly, the clock the app's schedules run on: \"real\", or \"virtual\", moved only by POST "+edge.LocalPrefix+"clock {\"advance\": \"24h\"} on the edge port")
	fs.StringVar(&f.mocks, "mocks", "", "with --assembly, a JSON `FILE` of answers for the functions serve cannot run (another runtime, an imported function): function logical id or ARN to its response payload")
	fs.StringVar(&f.credentials, "credentials", "", "with --assembly, a JSON `FILE` mapping the access keys that sign API Gateway requests (IAM authorization) to caller identities: {\"AKID\": {\"secretAccessKey\": \"...\", \"userArn\": \"arn:aws:iam::123456789012:user/NAME\"}}; by default the key local with secret local signs as user/local")
	fs.StringVar(&f.clockStart, "clock-start", "2026-11-22T00:00:00Z", "with --clock virtual, the time the virtual clock starts at (RFC 3339)")
	return f
}

// localApp is the app serve runs beside the Step Functions API.
type localApp struct {
	server    *http.Server
	cancel    context.CancelFunc
	functions *harness.AppFunctions
}

func (a *localApp) Close() {
	if a == nil {
		return
	}
	a.cancel()
	a.server.Close()
	a.functions.Close()
}

// startApp runs the assembly as after `cdk deploy`: its state machines
// created (named after their logical ids) on fakes they share with the
// edge port, its EventBridge rules and schedules running, and the names
// and commands to reach it printed. Without an assembly, or with
// --edge-addr off, it does nothing.
func (f *appFlags) startApp(api *sfnapi.Server, serving *harness.Serving, apiAddr string, allow []string, anyHost bool, stdout, stderr io.Writer) (*localApp, error) {
	if f.clock != "real" && f.clock != "virtual" {
		return nil, fmt.Errorf("--clock is %q; use \"real\" or \"virtual\"", f.clock)
	}
	start, err := time.Parse(time.RFC3339, f.clockStart)
	if err != nil {
		return nil, fmt.Errorf("--clock-start is %q; give an RFC 3339 time such as 2026-11-22T00:00:00Z", f.clockStart)
	}
	if serving.Assembly == nil || f.edgeAddr == "off" {
		return nil, nil
	}
	var mocks harness.Mocks
	if f.mocks != "" {
		if mocks, err = harness.ReadMocks(f.mocks); err != nil {
			return nil, err
		}
	}
	credentials := apigw.DefaultCredentials
	if f.credentials != "" {
		if credentials, err = apigw.ReadCredentials(f.credentials); err != nil {
			return nil, err
		}
	}
	listener, err := net.Listen("tcp", f.edgeAddr)
	if err != nil {
		return nil, fmt.Errorf("--edge-addr: %w", err)
	}
	edgeURL := "http://" + listener.Addr().String()
	aws := &fakes.AWS{}
	for _, st := range serving.Assembly.Stacks {
		harness.DefineResources(aws, st.Template)
	}
	// The rules and the APIs are read first, so a malformed schedule or
	// mapping template stops start-up before any function is built, and S3
	// reports to the triggers from the start.
	trig, err := triggers.New(triggers.Options{Assembly: serving.Assembly, StepFunctions: api, AWS: aws, Virtual: f.clock == "virtual", Start: start, Log: stderr})
	if err != nil {
		listener.Close()
		return nil, err
	}
	functions := &harness.AppFunctions{Assembly: serving.Assembly, EndpointURL: edgeURL, StepFunctionsURL: "http://" + apiAddr, Mocks: mocks, Logs: stderr}
	gateway, err := apigw.New(apigw.Options{Assembly: serving.Assembly, Services: map[string]http.Handler{"states": api}, Functions: functions, Credentials: credentials})
	if err != nil {
		listener.Close()
		return nil, err
	}
	aws.ObjectCreated, f.trig = trig.ObjectCreated, trig
	serving.Options.AWS, serving.Options.Mocks = aws, mocks
	serving.Options.EndpointURL, serving.Options.StepFunctionsURL = edgeURL, "http://"+apiAddr
	deployed, err := serving.Deploy(context.Background(), api)
	if err != nil {
		listener.Close()
		return nil, err
	}
	local := http.NewServeMux()
	local.Handle(edge.LocalPrefix+"clock", trig.ClockHandler())
	local.Handle(edge.LocalPrefix+"triggers", trig.LogHandler())
	router := &edge.Router{Local: local, Services: map[string]http.Handler{
		"s3": aws.S3Endpoint(), "dynamodb": aws.DynamoDBEndpoint(), "sqs": aws.SQSEndpoint(), "sns": aws.SNSEndpoint(), "states": api,
		"execute-api": gateway, "apigateway": gateway.Control(), "events": trig.EventsEndpoint(),
	}}
	ctx, cancel := context.WithCancel(context.Background())
	app := &localApp{server: serveHTTP(router, f.edgeAddr, allow, anyHost), cancel: cancel, functions: functions}
	go app.server.Serve(listener) //nolint:errcheck // Serve returns on Close
	go trig.Run(ctx)
	printApp(stdout, edgeURL, "http://"+apiAddr, aws, deployed, trig, gateway)
	for _, st := range serving.Assembly.Stacks {
		for _, fn := range harness.Unrunnable(st.Template) {
			answer := "its tasks fail with Lambda.ResourceNotFoundException; give its answer with --mocks FILE"
			if _, ok := mocks.Answer(fn.ID, fn.ARN); ok {
				answer = "answered from --mocks"
			}
			fmt.Fprintf(stderr, "sfnkit serve: stack %s: function %s cannot run locally: %s\n", st.Name, fn, answer)
		}
	}
	for _, note := range gateway.Notes {
		fmt.Fprintf(stderr, "sfnkit serve: API route %s (the route answers 500)\n", note)
	}
	return app, nil
}

// printApp prints what a person needs to use the app: the URLs, the
// resources' names and the AWS CLI commands that reach them.
func printApp(w io.Writer, edgeURL, apiURL string, aws *fakes.AWS, deployed []harness.Deployed, trig *triggers.Triggers, gateway *apigw.Gateway) {
	fmt.Fprintf(w, "sfnkit serve: the app's AWS services (S3, DynamoDB, SQS, SNS, EventBridge, API Gateway) on %s; local-only endpoints %s%sclock and %striggers\n", edgeURL, edgeURL, edge.LocalPrefix, edge.LocalPrefix)
	for _, d := range deployed {
		fmt.Fprintf(w, "  state machine  %s (%s)\n", d.Arn, d.Stack)
	}
	for _, r := range trig.Rules() {
		fmt.Fprintf(w, "  rule           %s\n", r)
	}
	list := func(kind string, names []string) {
		for _, n := range names {
			fmt.Fprintf(w, "  %-14s %s\n", kind, n)
		}
	}
	list("bucket", aws.BucketNames())
	list("table", aws.TableNames())
	queues := aws.QueueNames()
	for i, q := range queues {
		queues[i] = edgeURL + "/" + fakes.Account + "/" + q
	}
	list("queue", queues)
	list("topic", aws.TopicArns())
	list("api", gateway.URLs(edgeURL))
	list("route", gateway.Routes())
	ep := " --endpoint-url " + edgeURL
	fmt.Fprintln(w, "  try (with any credentials, such as AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1):")
	if b := trig.EventBuckets(); len(b) > 0 {
		fmt.Fprintf(w, "    aws s3 cp photo.jpg s3://%s/uploads/photo.jpg%s\n", b[0], ep)
		fmt.Fprintf(w, "    aws s3 ls s3://%s --recursive%s\n", b[0], ep)
	}
	if t := aws.TableNames(); len(t) > 0 {
		fmt.Fprintf(w, "    aws dynamodb scan --table-name %s%s\n", t[0], ep)
	}
	if q := withoutDeadLetters(queues); len(q) > 0 {
		fmt.Fprintf(w, "    aws sqs receive-message --queue-url %s --wait-time-seconds 20%s\n", q[0], ep)
	}
	fmt.Fprintf(w, "    aws stepfunctions list-executions --state-machine-arn %s --endpoint-url %s\n", firstArn(deployed), apiURL)
	fmt.Fprintf(w, "    curl -X POST %s%sclock -d '{\"advance\": \"24h\"}'   # with --clock virtual\n", edgeURL, edge.LocalPrefix)
}

// withoutDeadLetters drops the queues named as dead-letter queues, which
// make a poor first example.
func withoutDeadLetters(queues []string) []string {
	var out []string
	for _, q := range queues {
		if !strings.Contains(strings.ToLower(q), "deadletter") && !strings.Contains(strings.ToLower(q), "dlq") {
			out = append(out, q)
		}
	}
	return out
}

func firstArn(d []harness.Deployed) string {
	if len(d) == 0 {
		return "ARN"
	}
	return d[0].Arn
}
