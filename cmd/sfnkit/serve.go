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
	"github.com/sfnkit/sfnkit/asl/cfn"
	"github.com/sfnkit/sfnkit/asl/sfnapi"
	"github.com/sfnkit/sfnkit/workflows/local"
)

const serveUsage = `serve [--addr 127.0.0.1:8083] [--assembly cdk.out]
      a local AWS Step Functions endpoint (aws --endpoint-url, SDK base endpoint)`

// runServe implements `sfnkit serve`: the Step Functions API on addr
// until interrupted. With --assembly, state machines created with the
// definitions synthesized there run the project's handlers and fakes.
func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8083", "the address to listen on (the port Step Functions Local used)")
	assembly := fs.String("assembly", "", "a cloud assembly (cdk.out) whose state machines run with the project's Go handlers and in-memory AWS, seeded with the sample data")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+serveUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	var asm *cfn.Assembly
	if *assembly != "" {
		var err error
		if asm, err = cfn.ReadAssembly(*assembly); err != nil {
			fmt.Fprintln(stderr, "sfnkit serve:", err)
			return 2
		}
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit serve:", err)
		return 2
	}
	api := sfnapi.New(sfnapi.Options{Prepare: local.Serving(asm, asl.RealClock{})})
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
