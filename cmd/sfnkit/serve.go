package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/console"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

const serveUsage = `serve [--addr 127.0.0.1:8083] [--assembly cdk.out [--create]] [--lambdas process|in-process]
      [--edge-addr 127.0.0.1:4566|off] [--clock real|virtual] [--clock-start TIME] [--mocks FILE] [--credentials FILE]
      [--max-closed-executions 10000] [--allow-host NAME]... [--allow-any-host]
      a local AWS Step Functions endpoint (aws --endpoint-url, SDK base endpoint) and its web console (/console/)`

// hostList is a repeatable flag.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	if v == "" || strings.ContainsAny(v, "/ ") {
		return fmt.Errorf("%q is not a host name; give a name or address without scheme or port, such as myhost.lan", v)
	}
	*h = append(*h, v)
	return nil
}

// serveHTTP puts before the API what `sfnkit serve` answers with: the
// Host check (loopback names, the host of addr and those of allow, unless
// anyHost) and sfnapi's DefaultLimits on every connection.
func serveHTTP(api http.Handler, addr string, allow []string, anyHost bool) *http.Server {
	hosts := sfnapi.Hosts{Allow: append([]string(nil), allow...), Any: anyHost}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		hosts.Allow = append(hosts.Allow, host) // the address the user chose
	}
	return sfnapi.NewHTTPServer(sfnapi.CheckHost(api, hosts), sfnapi.DefaultLimits)
}

// runServe implements `sfnkit serve`: the Step Functions API on addr
// until interrupted. With --assembly, state machines created with the
// definitions synthesized there run the project's handlers and fakes: by
// default each function's own main package as processes behind the Lambda
// Runtime API, their logs on stderr. It answers only loopback Host names
// unless told otherwise, bounds every connection (sfnapi.DefaultLimits)
// and keeps at most --max-closed-executions ended executions.
func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8083", "the address to listen on (the port Step Functions Local used)")
	assembly := fs.String("assembly", "", "a cloud assembly (cdk.out) whose state machines run with the project's Go handlers and in-memory AWS, seeded with the sample data")
	lambdas := fs.String("lambdas", "process", "how Lambda tasks run: \"process\" (each function's main package, built for this machine, behind the Lambda Runtime API) or \"in-process\" (its handler called directly)")
	maxClosed := fs.Int("max-closed-executions", sfnapi.DefaultMaxClosedExecutions, "how many ended executions to keep (all machines together); the oldest beyond it are forgotten and answer ExecutionDoesNotExist, as after AWS's retention period; running ones are always kept; 0 keeps none")
	var allowHosts hostList
	fs.Var(&allowHosts, "allow-host", "also answer requests whose Host header is `NAME` (repeatable); by default only loopback names (localhost, *.localhost, 127.0.0.0/8, ::1) and --addr's host are answered, which keeps web pages out by DNS rebinding")
	app := addAppFlags(fs)
	allowAny := fs.Bool("allow-any-host", false, "answer any Host header (turns the DNS-rebinding check off; only behind a proxy that checks it)")
	create := fs.Bool("create", false, "create every state machine of --assembly at start-up, named after its stack (as sfnkit smoke --create names them)")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+serveUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	if *maxClosed < 0 {
		fmt.Fprintf(stderr, "sfnkit serve: --max-closed-executions is %d; give 0 (keep none) or more\n", *maxClosed)
		return 2
	}
	if *maxClosed == 0 {
		*maxClosed = -1 // sfnapi: negative keeps none
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
	if *create && *assembly == "" {
		fmt.Fprintln(stderr, "sfnkit serve: --create needs --assembly, the cloud assembly whose state machines to create (such as cdk.out)")
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
	api := sfnapi.New(sfnapi.Options{Prepare: serving.Prepare, MaxClosedExecutions: *maxClosed})
	web := console.New(api, console.Options{GraphvizRoot: graphvizRoot(*assembly), Log: log.New(stderr, "sfnkit serve: ", 0), Triggers: app.firings})
	server := serveHTTP(web.Mount(api), *addr, allowHosts, *allowAny)
	running, err := app.startApp(api, serving, listener.Addr().String(), allowHosts, *allowAny, stdout, stderr)
	if err != nil {
		listener.Close()
		fmt.Fprintln(stderr, "sfnkit serve:", err)
		return 2
	}
	defer running.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *create {
		if err := createAll(ctx, api, serving.Assembly, stdout); err != nil {
			fmt.Fprintln(stderr, "sfnkit serve:", err)
			return 1
		}
	}
	go func() {
		<-ctx.Done()
		api.Close() // long polls answer now, so Shutdown need not wait for them
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(shutdown)
	}()
	fmt.Fprintf(stdout, "sfnkit serve: AWS Step Functions API on http://%s (Ctrl-C to stop)\n", listener.Addr())
	fmt.Fprintf(stdout, "sfnkit serve: console on %s\n", consoleURL(listener.Addr().String()))
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "sfnkit serve:", err)
		return 1
	}
	return 0
}
