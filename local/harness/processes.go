package harness

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/gobuild"
	"github.com/sfnkit/sfnkit/local/lambdart"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// Runtime says how an Env runs its Lambda tasks.
type Runtime int

const (
	// InProcess calls each function's handler in this process, wired to
	// the fakes as its main package wires it (handlers.go): fast, on the
	// virtual clock, and Env.Tasks can inject faults.
	InProcess Runtime = iota
	// Processes runs each function's own main package, built for this
	// machine from the package its template metadata names, as Lambda runs
	// it: in processes behind the Lambda Runtime API (package lambdart),
	// configured by the function's environment from the template and
	// reaching the fakes through the AWS SDK over fakes.AWS.Endpoint.
	// Functions run on real time, so use it with a real clock.
	Processes
)

// functionProcesses is what an Env running Processes owns.
type functionProcesses struct {
	endpoint  *http.Server // nil when Options.EndpointURL is the endpoint
	url       string
	sfnURL    string                        // Options.StepFunctionsURL
	functions map[string]*lambdart.Function // by the function's logical id
}

// processFunction prepares the function functionID (the template resource
// res, whose environment is vars) to run as processes, starting the fakes'
// endpoint first if needed.
func (env *Env) processFunction(functionID string, res cfn.Resource, vars map[string]string, opts Options) (*lambdart.Function, error) {
	if env.procs == nil && opts.EndpointURL != "" {
		env.procs = &functionProcesses{url: opts.EndpointURL, sfnURL: opts.StepFunctionsURL, functions: map[string]*lambdart.Function{}}
	}
	if env.procs == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("serving the AWS fakes to function processes: %w", err)
		}
		// Function processes reach it as 127.0.0.1; a web page rebinding a
		// name to the port is refused, and every connection is bounded.
		srv := sfnapi.NewHTTPServer(sfnapi.CheckHost(env.AWS.Endpoint(), sfnapi.Hosts{}), sfnapi.DefaultLimits)
		go srv.Serve(ln) //nolint:errcheck // Serve returns on Close
		env.procs = &functionProcesses{endpoint: srv, url: "http://" + ln.Addr().String(), functions: map[string]*lambdart.Function{}}
	}
	if f, ok := env.procs.functions[functionID]; ok {
		return f, nil
	}
	f, err := buildFunction(env.Template, functionID, res, append(variables(vars), env.awsVariables()...), opts.FunctionLogs)
	if err != nil {
		return nil, err
	}
	env.procs.functions[functionID] = f
	return f, nil
}

// buildFunction builds the main package a function's metadata names, for
// this machine, and makes it a lambdart.Function with the environment
// vars (KEY=VALUE).
func buildFunction(tpl *cfn.Template, functionID string, res cfn.Resource, vars []string, logs io.Writer) (*lambdart.Function, error) {
	importPath, _ := res.Metadata[gobuild.PackageMetadataKey].(string)
	if importPath == "" {
		return nil, fmt.Errorf("function %s has no %q metadata naming its Go package; define it with gofunction.New, or run Lambda tasks in process", functionID, gobuild.PackageMetadataKey)
	}
	pkg, err := gobuild.Resolve(importPath)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w (running functions as processes needs the module's source and the Go toolchain)", functionID, err)
	}
	dir, err := gobuild.BuildFor(pkg, gobuild.Host)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", functionID, err)
	}
	seconds, _ := res.Properties["Timeout"].(float64)
	memory, _ := res.Properties["MemorySize"].(float64)
	return &lambdart.Function{
		Name:       functionID,
		Executable: filepath.Join(dir, "bootstrap"),
		Env:        vars,
		ARN:        cfn.Placeholders{Template: tpl}.GetAtt(functionID, "Arn"),
		Timeout:    time.Duration(seconds * float64(time.Second)),
		MemoryMiB:  int(memory),
		Logs:       logs,
	}, nil
}

// awsVariables point the function's AWS SDK at the fakes, with local
// credentials, so nothing it does can reach a real account.
func (env *Env) awsVariables() []string {
	vars := []string{
		"AWS_ENDPOINT_URL=" + env.procs.url,
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=local",
		"AWS_SECRET_ACCESS_KEY=local",
		"AWS_CONFIG_FILE=" + "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=" + "/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if env.procs.sfnURL != "" {
		vars = append(vars, "AWS_ENDPOINT_URL_SFN="+env.procs.sfnURL)
	}
	return vars
}

// variables renders a function's environment as KEY=VALUE, sorted.
func variables(vars map[string]string) []string {
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// Processes counts the Env's function processes running now.
func (env *Env) Processes() int {
	if env.procs == nil {
		return 0
	}
	n := 0
	for _, f := range env.procs.functions {
		n += f.Environments()
	}
	return n
}

// Close stops the Env's function processes and the endpoint they reach
// the fakes through. An Env running in process has nothing to stop.
func (env *Env) Close() error {
	if env.procs == nil {
		return nil
	}
	var errs []error
	for _, f := range env.procs.functions {
		errs = append(errs, f.Close())
	}
	if env.procs.endpoint != nil {
		errs = append(errs, env.procs.endpoint.Close())
	}
	return errors.Join(errs...)
}
