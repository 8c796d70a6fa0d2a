package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

const serveUsage = `serve [--addr 127.0.0.1:8083] [--assembly cdk.out] [--lambdas process|in-process]
      a local AWS Step Functions endpoint (aws --endpoint-url, SDK base endpoint)`

// runServe implements `sfnkit serve`: the Step Functions API on addr
// until interrupted. With --assembly, state machines created with the
// definitions synthesized there run the project's handlers and fakes: by
// default each function's own main package as processes behind the Lambda
// Runtime API, their logs on stderr.
func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8083", "the address to listen on (the port Step Functions Local used)")
	assembly := fs.String("assembly", "", "a cloud assembly (cdk.out) whose state machines run with the project's Go handlers and in-memory AWS, seeded with the sample data")
	lambdas := fs.String("lambdas", "process", "how Lambda tasks run: \"process\" (each function's main package, built for this machine, behind the Lambda Runtime API) or \"in-process\" (its handler called directly)")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+serveUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	serving := &harness.Serving{Options: harness.Options{Clock: asl.RealClock{}}}
	switch *lambdas {
	case "process":
		serving.Options.Runtime, serving.Options.FunctionLogs = harness.Processes, stderr
	case "in-process":
	default:
		fmt.Fprintf(stderr, "sfnkit serve: --lambdas is %q; use \"process\" or \"in-process\"\n", *lambdas)
		return 2
	}
	if *assembly != "" {
		var err error
		if serving.Assembly, err = cfn.ReadAssembly(*assembly); err != nil {
			fmt.Fprintln(stderr, "sfnkit serve:", err)
			return 2
		}
	}
	defer serving.Close()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit serve:", err)
		return 2
	}
	api := sfnapi.New(sfnapi.Options{Prepare: serving.Prepare})
	server := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(shutdown)
	}()
	fmt.Fprintf(stdout, "sfnkit serve: AWS Step Functions API on http://%s (Ctrl-C to stop)\n", listener.Addr())
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "sfnkit serve:", err)
		return 1
	}
	return 0
}
