// Package sfnapi serves the AWS Step Functions API (the AWS JSON 1.0
// protocol: POST /, X-Amz-Target: AWSStepFunctions.<Action>) over the asl
// engine, so the AWS CLI with --endpoint-url and the AWS SDKs with a base
// endpoint run state machines locally, unchanged. Executions run
// concurrently and asynchronously, as in AWS; errors have AWS's codes and
// shapes.
package sfnapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// Machine is a created state machine.
type Machine struct {
	Arn, Name, Type, RoleArn, Definition string
	Created                              time.Time
	Parsed                               *asl.StateMachine
	// Engine runs the machine's executions.
	Engine *asl.Engine
	// Activities is the server's activity queue: Prepare passes it as
	// asl.Options.Activities, so the machine's activity Task states reach
	// the workers polling GetActivityTask.
	Activities asl.ActivityQueue
	// RevisionID changes with each UpdateStateMachine that changes the
	// machine; a version keeps the revision it was published from. It is
	// empty until the first update, as in AWS (PublishStateMachineVersion
	// calls that revision INITIAL).
	RevisionID string
	// Updated is when UpdateStateMachine last replaced the machine; zero
	// if never. An update makes a new Machine: executions keep the one
	// they started with.
	Updated time.Time
	// Logging and Tracing are the configurations given; nil if none.
	Logging *Logging
	Tracing *Tracing

	close func() error // releases what Prepare made; nil if nothing
}

// Prepared is what Prepare makes for a new state machine.
type Prepared struct {
	// Engine runs the machine's executions. If nil, an engine whose tasks
	// fail (no handler).
	Engine *asl.Engine
	// Close releases what the engine holds (function processes, sockets,
	// servers) once the machine is deleted and its executions have
	// stopped. If nil, the engine holds nothing to release.
	Close func() error
}

// Prepare makes the engine a new state machine's executions run on. It
// gets the machine with its ARN, name and parsed definition set, and runs
// without the server's lock, so it may build handlers and start processes
// while other calls are answered. If it fails, it must release what it
// made itself.
type Prepare func(m *Machine) (Prepared, error)

// DefaultMaxClosedExecutions is how many closed executions a Server keeps
// when Options.MaxClosedExecutions is zero.
const DefaultMaxClosedExecutions = 10000

// Server is the Step Functions API. Create one with New.
type Server struct {
	region, account string
	clock           asl.Clock
	prepare         Prepare
	maxClosed       int
	onClosed        func() // a test's hook, called once an execution's close is recorded

	mu         sync.Mutex
	machines   map[string]*Machine       // by ARN
	pending    map[string]chan struct{}  // ARNs being created or deleted, closed when done
	order      []string                  // machine ARNs in creation order
	executions map[string]*record        // by execution ARN
	byMachine  map[string]*executionList // by machine ARN
	closed     []*record                 // closed executions still kept, oldest first

	acts activities // its own lock: long polls never hold mu
	// versions (versions and aliases by machine ARN) and tags (by
	// resource ARN) are guarded by mu and made on first use.
	versions map[string]*versioning
	tags     map[string]map[string]string
}

// record is an execution and the machine it belongs to.
type record struct {
	x       *asl.Execution
	machine *Machine
	// versionArn and aliasArn are the version the execution ran and the
	// alias that chose it; empty if it was started without them.
	versionArn, aliasArn string
	// closed and gone are guarded by Server.mu: the execution ended, and it
	// was evicted or its machine deleted.
	closed, gone bool
	redrive      redriveInfo
}

// Options configure a Server.
type Options struct {
	// Region and Account appear in ARNs. If empty, us-east-1 and
	// 123456789012.
	Region, Account string
	// Clock runs the executions. If nil, real time.
	Clock asl.Clock
	// Prepare makes each machine's engine. If nil, tasks have no handler.
	Prepare Prepare
	// MaxClosedExecutions is how many ended executions are kept, across
	// all machines; past it the oldest closed ones are forgotten and
	// answer ExecutionDoesNotExist, as AWS forgets them after its retention
	// period. Running executions are always kept. If zero,
	// DefaultMaxClosedExecutions; if negative, none is kept.
	MaxClosedExecutions int
}

// New makes a server.
func New(opts Options) *Server {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = "123456789012"
	}
	if opts.Clock == nil {
		opts.Clock = asl.RealClock{}
	}
	switch {
	case opts.MaxClosedExecutions == 0:
		opts.MaxClosedExecutions = DefaultMaxClosedExecutions
	case opts.MaxClosedExecutions < 0:
		opts.MaxClosedExecutions = 0
	}
	return &Server{region: opts.Region, account: opts.Account, clock: opts.Clock, prepare: opts.Prepare, maxClosed: opts.MaxClosedExecutions,
		machines: map[string]*Machine{}, pending: map[string]chan struct{}{}, executions: map[string]*record{}, byMachine: map[string]*executionList{}}
}

// apiError is an error in the protocol's shape.
type apiError struct {
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func fail(code, format string, args ...any) error {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

// MaxRequestBytes bounds a request body: a definition of 1 MiB, escaped.
const MaxRequestBytes = 4 << 20

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, fail("UnknownOperationException", "the Step Functions API takes POST requests"))
		return
	}
	service, action, ok := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	if !ok || service != "AWSStepFunctions" {
		writeError(w, fail("UnknownOperationException", "the request has no X-Amz-Target: AWSStepFunctions.<Action> header"))
		return
	}
	if _, ok := s.actions()[action]; !ok {
		writeError(w, fail("UnknownOperationException", "unknown action %q", action))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil || len(body) > MaxRequestBytes {
		writeError(w, fail("ValidationException", "the request body is unreadable or over %d bytes", MaxRequestBytes))
		return
	}
	out, err := s.call(r.Context(), action, body)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	data, _ := json.Marshal(out)
	w.Write(data)
}

// call runs the operation action on a JSON request body: what a POST /
// does once its headers are read, and what Invoke does for Go callers.
func (s *Server) call(ctx context.Context, action string, body []byte) (any, error) {
	handler, ok := s.actions()[action]
	if !ok {
		return nil, fail("UnknownOperationException", "unknown action %q", action)
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fail("SerializationException", "the request body is not a JSON object: %v", err)
	}
	return handler(ctx, request(req))
}

func writeError(w http.ResponseWriter, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = &apiError{code: "InternalFailure", message: err.Error()}
	}
	status := http.StatusBadRequest
	if e.code == "InternalFailure" {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.WriteHeader(status)
	data, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
	w.Write(data)
}

// request reads the fields of a request, reporting wrong types as AWS's
// ValidationException.
type request map[string]any

func (r request) str(name string, required bool) (string, error) {
	v, ok := r[name]
	if !ok || v == nil {
		if required {
			return "", fail("ValidationException", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fail("SerializationException", "%s must be a string", name)
	}
	return s, nil
}

func (r request) int(name string, def int) (int, error) {
	v, ok := r[name]
	if !ok || v == nil {
		return def, nil
	}
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) {
		return 0, fail("SerializationException", "%s must be an integer", name)
	}
	return int(f), nil
}

type action func(ctx context.Context, r request) (any, error)

func (s *Server) actions() map[string]action {
	return map[string]action{
		"CreateStateMachine":   s.createStateMachine,
		"DescribeStateMachine": s.describeStateMachine,
		"ListStateMachines":    s.listStateMachines,
		"DeleteStateMachine":   s.deleteStateMachine,
		"StartExecution":       s.startExecution,
		"StartSyncExecution":   s.startSyncExecution,
		"StopExecution":        s.stopExecution,
		"DescribeExecution":    s.describeExecution,
		"ListExecutions":       s.listExecutions,
		"GetExecutionHistory":  s.getExecutionHistory,
		"SendTaskSuccess":      s.sendTaskSuccess,
		"SendTaskFailure":      s.sendTaskFailure,
		"SendTaskHeartbeat":    s.sendTaskHeartbeat,
		"CreateActivity":       s.createActivity,
		"DescribeActivity":     s.describeActivity,
		"ListActivities":       s.listActivities,
		"DeleteActivity":       s.deleteActivity,
		"GetActivityTask":      s.getActivityTask,

		"UpdateStateMachine":               s.updateStateMachine,
		"DescribeStateMachineForExecution": s.describeStateMachineForExecution,
		"PublishStateMachineVersion":       s.publishStateMachineVersion,
		"ListStateMachineVersions":         s.listStateMachineVersions,
		"DeleteStateMachineVersion":        s.deleteStateMachineVersion,
		"CreateStateMachineAlias":          s.createStateMachineAlias,
		"DescribeStateMachineAlias":        s.describeStateMachineAlias,
		"UpdateStateMachineAlias":          s.updateStateMachineAlias,
		"DeleteStateMachineAlias":          s.deleteStateMachineAlias,
		"ListStateMachineAliases":          s.listStateMachineAliases,
		"TagResource":                      s.tagResource,
		"UntagResource":                    s.untagResource,
		"ListTagsForResource":              s.listTagsForResource,
		"ValidateStateMachineDefinition":   s.validateStateMachineDefinition,
		"TestState":                        s.testState,
		"RedriveExecution":                 s.redriveExecution,
		"ListMapRuns":                      s.listMapRuns,
		"DescribeMapRun":                   s.describeMapRun,
		"UpdateMapRun":                     s.updateMapRun,
	}
}

var (
	namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	arnPattern  = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$`)
)

// epoch is a timestamp as the protocol writes it: seconds since the epoch.
func epoch(t time.Time) float64 {
	return float64(t.UnixNano()/int64(time.Millisecond)) / 1000
}

// span is a page of a list.
type span struct{ from, to int }

// paginate reads maxResults and nextToken of an operation that has no
// typed request yet; see pageRequest.
func paginate(r request, total int) (span, string, error) {
	var p pageRequest
	if err := decodeTyped(r, &p); err != nil {
		return span{}, "", err
	}
	return p.page(total)
}

func withToken(out map[string]any, next string) map[string]any {
	if next != "" {
		out["nextToken"] = next
	}
	return out
}
