package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/sfnapi"
	"github.com/sfnkit/sfnkit/local/smoke"
)

const smokeUsage = `smoke [--endpoint-url URL [--create]] [--stage dev] [--all] [--assembly cdk.out]
      run the sample scenarios against deployed workflows (or sfnkit serve) and check them`

// runSmoke implements `sfnkit smoke`: exit 0 when every scenario ended as
// designed, 1 when one did not, 2 when it could not run.
func runSmoke(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint-url", "", "a Step Functions endpoint such as sfnkit serve's http://127.0.0.1:8083 (default: AWS, with your credentials)")
	create := fs.Bool("create", false, "create the assembly's state machines on the endpoint first (for sfnkit serve)")
	stage := fs.String("stage", "dev", "the deployed stage, whose stacks are named <stack>-<stage>")
	all := fs.Bool("all", false, "run every scenario (needs sfnkit serve's sample data); by default only those a fresh deployment can run")
	assembly := fs.String("assembly", "cdk.out", "the synthesized app the scenarios' inputs are built from")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long each execution may take")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+smokeUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	asm, err := cfn.ReadAssembly(*assembly)
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit smoke:", err)
		return 2
	}
	ctx := context.Background()
	var client *sfn.Client
	var machines map[string]string
	if *endpoint != "" {
		client = sfn.New(sfn.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}, sfnapi.LocalEndpoint(*endpoint))
		if err := waitForEndpoint(ctx, client); err != nil {
			fmt.Fprintf(stderr, "sfnkit smoke: %s does not answer: %v\n", *endpoint, err)
			return 2
		}
		if *create {
			machines, err = smoke.Create(ctx, client, asm)
		} else {
			machines, err = listed(ctx, client, asm)
		}
	} else {
		if *create {
			fmt.Fprintln(stderr, "sfnkit smoke: --create needs --endpoint-url: deploy to AWS with make deploy")
			return 2
		}
		var cfg aws.Config
		if cfg, err = config.LoadDefaultConfig(ctx); err == nil {
			client = sfn.NewFromConfig(cfg)
			machines, err = deployed(ctx, cloudformation.NewFromConfig(cfg), asm, *stage)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit smoke:", err)
		return 2
	}
	if _, err := smoke.Run(ctx, smoke.Options{Client: client, Assembly: asm, Machines: machines, All: *all, Timeout: *timeout, Out: stdout}); err != nil {
		fmt.Fprintln(stderr, "sfnkit smoke:", err)
		return 1
	}
	return 0
}

// waitForEndpoint retries a cheap call for a few seconds, for a server
// that is still starting.
func waitForEndpoint(ctx context.Context, client *sfn.Client) error {
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if _, err = client.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 1}); err == nil {
			return nil
		}
	}
	return err
}

// listed finds the state machines already created on the endpoint under
// their stacks' names.
func listed(ctx context.Context, client *sfn.Client, asm *cfn.Assembly) (map[string]string, error) {
	out := map[string]string{}
	p := sfn.NewListStateMachinesPaginator(client, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range page.StateMachines {
			for _, st := range asm.Stacks {
				if aws.ToString(m.Name) == st.Name {
					out[st.Name] = aws.ToString(m.StateMachineArn)
				}
			}
		}
	}
	return out, nil
}

// deployed reads each stack's StateMachineArn output from CloudFormation.
func deployed(ctx context.Context, cf *cloudformation.Client, asm *cfn.Assembly, stage string) (map[string]string, error) {
	out := map[string]string{}
	for _, st := range asm.Stacks {
		name := st.Name + "-" + stage
		d, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w (deploy it with make deploy STAGE=%s)", name, err, stage)
		}
		for _, s := range d.Stacks {
			for _, o := range s.Outputs {
				if aws.ToString(o.OutputKey) == "StateMachineArn" {
					out[st.Name] = aws.ToString(o.OutputValue)
				}
			}
		}
	}
	return out, nil
}
