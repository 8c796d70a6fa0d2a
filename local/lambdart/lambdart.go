// Package lambdart runs a Lambda function's executable on this machine the
// way Lambda runs it: in processes of its own, each an execution
// environment that pulls invocations from a local implementation of the
// Lambda Runtime API (the protocol lambda.Start speaks when
// AWS_LAMBDA_RUNTIME_API is set). What runs is the function's own main
// package, environment variables, start-up checks and error reporting
// included, not a copy of its handler wired by hand.
//
// Like Lambda, a Function starts environments on demand up to its
// concurrency, gives each invocation a deadline after which the
// environment is killed (Sandbox.Timedout), and fails an invocation whose
// environment exits under it (Runtime.ExitError).
package lambdart

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// Defaults Lambda applies when a function does not say.
const (
	DefaultTimeout        = 3 * time.Second
	DefaultMemoryMiB      = 128
	DefaultMaxConcurrency = 16
)

// ErrClosed is returned by Invoke after Close.
var ErrClosed = errors.New("lambdart: the function is closed")

// Function is one Lambda function whose executable runs locally. Set the
// fields before the first Invoke; the zero values are Lambda's defaults.
type Function struct {
	// Name is the function's name: AWS_LAMBDA_FUNCTION_NAME, and the
	// prefix of its log lines.
	Name string
	// Executable is the function's "bootstrap", built for this machine.
	Executable string
	// Env holds the function's environment ("KEY=VALUE"), on top of the
	// variables Lambda itself sets. Nothing is inherited from this process,
	// so a variable the function's construct forgets to set is missing
	// here too.
	Env []string
	// ARN is the invoked function ARN handlers see in their context. If
	// empty, a placeholder ARN with the function's name.
	ARN string
	// Timeout is how long an invocation may run. If zero, 3 seconds.
	Timeout time.Duration
	// MemoryMiB is reported to the function. If zero, 128.
	MemoryMiB int
	// MaxConcurrency caps the environments running at once; invocations
	// beyond it wait. If zero, 16.
	MaxConcurrency int
	// Logs receives the environments' standard output and error, each line
	// prefixed with the function's name. If nil, they are discarded.
	Logs io.Writer

	mu       sync.Mutex
	queue    chan *invocation
	workers  map[*environment]bool
	inflight int // invocations queued or running
	closed   bool
	running  sync.WaitGroup // environments not yet reaped
	logMu    sync.Mutex
}

// Handler serves the function's Lambda tasks in the asl engine.
func (f *Function) Handler() asl.TaskHandler { return asl.LambdaInvoker(f.Invoke) }

// Invoke runs the function on payload and returns its response. A function
// error, a timeout or a crash is an *asl.Failure named as Lambda names it;
// ctx ending returns ctx's error without waiting for the function.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inv := &invocation{id: requestID(), payload: payload, done: make(chan struct{})}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, ErrClosed
	}
	if f.queue == nil {
		f.queue = make(chan *invocation, 1<<16)
		f.workers = map[*environment]bool{}
	}
	f.inflight++
	f.queue <- inv
	var startErr error
	if f.inflight > len(f.workers) && len(f.workers) < f.maxConcurrency() {
		startErr = f.startLocked()
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	if startErr != nil {
		inv.finish(nil, startErr)
	}
	select {
	case <-inv.done:
		return inv.response, inv.err
	case <-ctx.Done():
		inv.finish(nil, ctx.Err())
		return nil, ctx.Err()
	}
}

// Environments counts the function's environments: processes started and
// not yet reaped. It is zero once Close returns.
func (f *Function) Environments() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.workers)
}

// Close stops every environment and fails the invocations still waiting.
func (f *Function) Close() error {
	f.mu.Lock()
	f.closed = true
	envs := make([]*environment, 0, len(f.workers))
	for e := range f.workers {
		envs = append(envs, e)
	}
	f.mu.Unlock()
	for _, e := range envs {
		e.stop()
	}
	f.running.Wait()
	f.failQueued(ErrClosed)
	return nil
}

// failQueued answers every invocation still waiting with err.
func (f *Function) failQueued(err error) {
	for {
		select {
		case inv := <-f.queue:
			inv.finish(nil, err)
		default:
			return
		}
	}
}

func (f *Function) maxConcurrency() int {
	if f.MaxConcurrency > 0 {
		return f.MaxConcurrency
	}
	return DefaultMaxConcurrency
}

func (f *Function) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultTimeout
}

// invocation is one call of the function, answered once.
type invocation struct {
	id       string
	payload  []byte
	once     sync.Once
	done     chan struct{}
	response []byte
	err      error
}

// finish answers the invocation; later answers are ignored, as Lambda
// ignores a response after the timeout.
func (inv *invocation) finish(response []byte, err error) bool {
	answered := false
	inv.once.Do(func() {
		inv.response, inv.err, answered = response, err, true
		close(inv.done)
	})
	return answered
}

func (inv *invocation) answered() bool {
	select {
	case <-inv.done:
		return true
	default:
		return false
	}
}

// requestID makes a Lambda-style request id (a random UUID).
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// environment is one process of the function with its own Runtime API.
type environment struct {
	f      *Function
	cmd    *exec.Cmd
	server *http.Server
	quit   chan struct{}

	mu       sync.Mutex
	current  *invocation
	timer    *time.Timer
	ready    bool   // it asked for an invocation: its init succeeded
	initErr  string // what it posted to /runtime/init/error
	timedOut bool
}

// startLocked starts one more environment; f.mu is held.
func (f *Function) startLocked() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("lambdart: function %s: listening for its Runtime API: %w", f.Name, err)
	}
	e := &environment{f: f, quit: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", e.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", e.respond)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", e.fail)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", e.initError)
	e.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	e.cmd = exec.Command(f.Executable)
	e.cmd.Dir = filepath.Dir(f.Executable)
	e.cmd.Env = append(f.lambdaEnv(ln.Addr().String()), f.Env...)
	logs := f.logWriter()
	e.cmd.Stdout, e.cmd.Stderr = logs, logs
	if err := e.cmd.Start(); err != nil {
		ln.Close()
		logs.Close()
		return fmt.Errorf("lambdart: function %s: starting %s: %w", f.Name, f.Executable, err)
	}
	// Serve only once the process is started: its requests wait in the
	// listener's backlog, and the handlers see e.cmd complete.
	go e.server.Serve(ln) //nolint:errcheck // Serve returns when the environment stops
	f.workers[e] = true
	f.running.Add(1)
	go func() {
		defer f.running.Done()
		e.wait()
		logs.Close()
	}()
	return nil
}

// lambdaEnv is what Lambda sets in every execution environment.
func (f *Function) lambdaEnv(runtimeAPI string) []string {
	memory := f.MemoryMiB
	if memory == 0 {
		memory = DefaultMemoryMiB
	}
	return []string{
		"AWS_LAMBDA_RUNTIME_API=" + runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME=" + f.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(memory),
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + f.Name,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=" + filepath.Dir(f.Executable),
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
	}
}

func (f *Function) arn() string {
	if f.ARN != "" {
		return f.ARN
	}
	return "arn:aws:lambda:us-east-1:123456789012:function:" + f.Name
}

// next hands the environment the next invocation, waiting for one.
func (e *environment) next(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.ready = true
	e.mu.Unlock()
	for {
		var inv *invocation
		select {
		case inv = <-e.f.queue:
		case <-e.quit:
			http.Error(w, "the environment is shutting down", http.StatusGone)
			return
		case <-r.Context().Done():
			return
		}
		if inv.answered() { // its caller gave up while it waited
			continue
		}
		timeout := e.f.timeout()
		e.mu.Lock()
		e.current = inv
		e.timer = time.AfterFunc(timeout, func() { e.expire(inv, timeout) })
		e.mu.Unlock()
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(timeout).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", e.f.arn())
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+strconv.FormatInt(time.Now().Unix(), 16)+"-"+inv.id[:8]+";Sampled=0")
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(inv.payload)
		return
	}
}

// take ends the environment's current invocation if its id is id.
func (e *environment) take(id string) *invocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	inv := e.current
	if inv == nil || inv.id != id {
		return nil
	}
	e.current = nil
	e.timer.Stop()
	return inv
}

// respond receives a response. An error the runtime met while streaming it
// arrives in the trailers, as the Runtime API specifies.
func (e *environment) respond(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	inv := e.take(r.PathValue("id"))
	if inv == nil {
		http.Error(w, "no such invocation is in progress", http.StatusBadRequest)
		return
	}
	switch {
	case err != nil:
		inv.finish(nil, fmt.Errorf("lambdart: reading the response of %s: %w", e.f.Name, err))
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		inv.finish(nil, asl.LambdaFailure(r.Trailer.Get("Lambda-Runtime-Function-Error-Type"), "the response stream failed"))
	default:
		inv.finish(body, nil)
	}
	w.WriteHeader(http.StatusAccepted)
}

// fail receives a function error.
func (e *environment) fail(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	inv := e.take(r.PathValue("id"))
	if inv == nil {
		http.Error(w, "no such invocation is in progress", http.StatusBadRequest)
		return
	}
	inv.finish(nil, functionError(body, r.Header.Get("Lambda-Runtime-Function-Error-Type")))
	w.WriteHeader(http.StatusAccepted)
}

// initError receives a failed start-up; the process exits next, and its
// exit fails the invocation that started it with this error.
func (e *environment) initError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	e.mu.Lock()
	e.initErr = string(body)
	e.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// expire kills an environment whose invocation ran past the deadline.
func (e *environment) expire(inv *invocation, timeout time.Duration) {
	e.mu.Lock()
	if e.current != inv {
		e.mu.Unlock()
		return
	}
	e.current, e.timedOut = nil, true
	e.mu.Unlock()
	inv.finish(nil, asl.LambdaFailure("Sandbox.Timedout",
		fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, timeout.Seconds())))
	_ = e.cmd.Process.Kill()
}

// wait reaps the process. An invocation it held fails with
// Runtime.ExitError; if it died before asking for any, its start-up failed
// and an invocation waiting for it fails instead, as Lambda fails the
// invoke that triggered a failed init. Another environment is started if
// invocations are still waiting; each failed start-up fails one, so a
// function that cannot start fails every invocation, one by one.
func (e *environment) wait() {
	exitErr := e.cmd.Wait()
	close(e.quit)
	e.server.Close()
	f := e.f
	e.mu.Lock()
	inv, ready, initErr, timedOut := e.current, e.ready, e.initErr, e.timedOut
	e.current = nil
	if e.timer != nil {
		e.timer.Stop()
	}
	e.mu.Unlock()

	f.mu.Lock()
	delete(f.workers, e)
	closed := f.closed
	if inv == nil && !ready && !closed && !timedOut {
		select {
		case inv = <-f.queue:
		default:
		}
	}
	var restartErr error
	if !closed && len(f.queue) > 0 && len(f.workers) < f.maxConcurrency() {
		restartErr = f.startLocked()
	}
	f.mu.Unlock()

	if inv != nil {
		inv.finish(nil, exitFailure(inv.id, exitErr, initErr))
	}
	if restartErr != nil { // nothing else would answer what waits
		f.failQueued(restartErr)
	}
}

// functionError reads the error document a runtime posts,
// {"errorMessage", "errorType", …}.
func functionError(body []byte, headerType string) *asl.Failure {
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.ErrorType == "" {
		doc.ErrorType = headerType
	}
	if doc.ErrorType == "" {
		doc.ErrorType = "Unhandled"
	}
	return asl.LambdaFailure(doc.ErrorType, doc.ErrorMessage)
}

// exitFailure is the error of an invocation whose environment exited.
func exitFailure(id string, exitErr error, initErr string) *asl.Failure {
	if initErr != "" {
		return functionError([]byte(initErr), "Runtime.InitError")
	}
	reason := "Runtime exited without providing a reason"
	if exitErr != nil {
		reason = "Runtime exited with error: " + exitErr.Error()
	}
	return asl.LambdaFailure("Runtime.ExitError", "RequestId: "+id+" Error: "+reason)
}

// stop kills the process; wait does the rest.
func (e *environment) stop() {
	if e.cmd.Process != nil {
		_ = e.cmd.Process.Kill()
	}
}

// logWriter prefixes each line the function writes with its name; close it
// once the process is reaped.
func (f *Function) logWriter() io.WriteCloser {
	pr, pw := io.Pipe()
	f.running.Add(1) // Close waits until the last line is written
	if f.Logs == nil {
		go func() {
			defer f.running.Done()
			_, _ = io.Copy(io.Discard, pr)
		}()
		return pw
	}
	go func() {
		defer f.running.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			f.logMu.Lock()
			fmt.Fprintf(f.Logs, "[%s] %s\n", f.Name, sc.Text())
			f.logMu.Unlock()
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return pw
}
