// Package sfnapi serves the AWS Step Functions API (the AWS JSON 1.0
// protocol: POST /, X-Amz-Target: AWSStepFunctions.<Action>) over the asl
// engine, so the AWS CLI with --endpoint-url and the AWS SDKs with a base
// endpoint run state machines locally, unchanged. Executions run
// concurrently and asynchronously, as in AWS; errors have AWS's codes and
// shapes.
package sfnapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
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
}

// Prepare makes the engine a new state machine's executions run on. It
// gets the machine with its ARN, name and parsed definition set; the
// default gives an engine whose tasks fail (no handler), which a caller
// replaces with handlers, mocks or fakes.
type Prepare func(m *Machine) (*asl.Engine, error)

// Server is the Step Functions API. Create one with New.
type Server struct {
	region, account string
	clock           asl.Clock
	prepare         Prepare

	mu         sync.Mutex
	machines   map[string]*Machine // by ARN
	order      []string            // machine ARNs in creation order
	executions map[string]*record  // by execution ARN
	byMachine  map[string][]*record
}

// record is an execution and the machine it belongs to.
type record struct {
	x       *asl.Execution
	machine *Machine
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
	return &Server{region: opts.Region, account: opts.Account, clock: opts.Clock, prepare: opts.Prepare,
		machines: map[string]*Machine{}, executions: map[string]*record{}, byMachine: map[string][]*record{}}
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
	handler, ok := s.actions()[action]
	if !ok {
		writeError(w, fail("UnknownOperationException", "unknown action %q", action))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil || len(body) > MaxRequestBytes {
		writeError(w, fail("ValidationException", "the request body is unreadable or over %d bytes", MaxRequestBytes))
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, fail("SerializationException", "the request body is not a JSON object: %v", err))
		return
	}
	out, err := handler(r.Context(), request(req))
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	data, _ := json.Marshal(out)
	w.Write(data)
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

func (r request) bool(name string) bool {
	b, _ := r[name].(bool)
	return b
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

func (s *Server) createStateMachine(_ context.Context, r request) (any, error) {
	name, err := r.str("name", true)
	if err != nil {
		return nil, err
	}
	definition, err := r.str("definition", true)
	if err != nil {
		return nil, err
	}
	role, err := r.str("roleArn", true)
	if err != nil {
		return nil, err
	}
	typ, err := r.str("type", false)
	if err != nil {
		return nil, err
	}
	if typ == "" {
		typ = "STANDARD"
	}
	if !namePattern.MatchString(name) {
		return nil, fail("InvalidName", "Invalid Name: '%s'", name)
	}
	if !arnPattern.MatchString(role) {
		return nil, fail("InvalidArn", "Invalid Arn: '%s'", role)
	}
	if typ != "STANDARD" && typ != "EXPRESS" {
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", typ)
	}
	parsed, err := asl.Parse([]byte(definition))
	if err != nil {
		return nil, fail("InvalidDefinition", "Invalid State Machine Definition: '%s'", err)
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", s.region, s.account, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.machines[arn]; ok {
		if m.Definition == definition && m.RoleArn == role && m.Type == typ {
			return map[string]any{"stateMachineArn": m.Arn, "creationDate": epoch(m.Created)}, nil
		}
		return nil, fail("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arn)
	}
	m := &Machine{Arn: arn, Name: name, Type: typ, RoleArn: role, Definition: definition, Created: s.clock.Now(), Parsed: parsed}
	if s.prepare != nil {
		if m.Engine, err = s.prepare(m); err != nil {
			return nil, fail("InvalidDefinition", "%v", err)
		}
	}
	if m.Engine == nil {
		m.Engine = asl.NewEngine(asl.Options{Clock: s.clock, StateMachineArn: arn})
	}
	s.machines[arn] = m
	s.order = append(s.order, arn)
	return map[string]any{"stateMachineArn": arn, "creationDate": epoch(m.Created)}, nil
}

// machine finds a state machine by ARN.
func (s *Server) machine(r request) (*Machine, error) {
	arn, err := r.str("stateMachineArn", true)
	if err != nil {
		return nil, err
	}
	if !arnPattern.MatchString(arn) || !strings.Contains(arn, ":stateMachine:") {
		return nil, fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return nil, fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	return m, nil
}

func (s *Server) describeStateMachine(_ context.Context, r request) (any, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"stateMachineArn": m.Arn, "name": m.Name, "status": "ACTIVE", "definition": m.Definition,
		"roleArn": m.RoleArn, "type": m.Type, "creationDate": epoch(m.Created),
		"loggingConfiguration": map[string]any{"level": "OFF", "includeExecutionData": false},
		"tracingConfiguration": map[string]any{"enabled": false},
	}, nil
}

func (s *Server) listStateMachines(_ context.Context, r request) (any, error) {
	s.mu.Lock()
	arns := append([]string(nil), s.order...)
	s.mu.Unlock()
	page, next, err := paginate(r, len(arns))
	if err != nil {
		return nil, err
	}
	items := []any{}
	s.mu.Lock()
	for _, arn := range arns[page.from:page.to] {
		m := s.machines[arn]
		items = append(items, map[string]any{"stateMachineArn": m.Arn, "name": m.Name, "type": m.Type, "creationDate": epoch(m.Created)})
	}
	s.mu.Unlock()
	return withToken(map[string]any{"stateMachines": items}, next), nil
}

func (s *Server) deleteStateMachine(_ context.Context, r request) (any, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.machines, m.Arn)
	for i, arn := range s.order {
		if arn == m.Arn {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	return map[string]any{}, nil
}

// start starts an execution after checking its input as AWS does.
func (s *Server) start(ctx context.Context, r request) (*record, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	name, err := r.str("name", false)
	if err != nil {
		return nil, err
	}
	input, err := r.str("input", false)
	if err != nil {
		return nil, err
	}
	if input == "" {
		input = "{}"
	}
	if len(input) > asl.MaxPayloadBytes {
		return nil, fail("InvalidExecutionInput", "Invalid execution input: the input is %d bytes; at most %d are allowed", len(input), asl.MaxPayloadBytes)
	}
	if !json.Valid([]byte(input)) {
		return nil, fail("InvalidExecutionInput", "Invalid State Machine Execution Input: 'the input is not JSON'")
	}
	if name != "" && !namePattern.MatchString(name) {
		return nil, fail("InvalidName", "Invalid Name: '%s'", name)
	}
	x, err := m.Engine.Start(context.WithoutCancel(ctx), m.Parsed, []byte(input), name)
	if err != nil {
		var api *asl.APIError
		if errors.As(err, &api) {
			return nil, fail(api.Code, "%s", api.Message)
		}
		return nil, fail("InvalidExecutionInput", "%v", err)
	}
	rec := &record{x: x, machine: m}
	s.mu.Lock()
	if prev, ok := s.executions[x.Arn]; ok { // an idempotent restart returned the running one
		s.mu.Unlock()
		return prev, nil
	}
	s.executions[x.Arn] = rec
	s.byMachine[m.Arn] = append(s.byMachine[m.Arn], rec)
	s.mu.Unlock()
	return rec, nil
}

func (s *Server) startExecution(ctx context.Context, r request) (any, error) {
	rec, err := s.start(ctx, r)
	if err != nil {
		return nil, err
	}
	return map[string]any{"executionArn": rec.x.Arn, "startDate": epoch(rec.x.StartTime)}, nil
}

func (s *Server) startSyncExecution(ctx context.Context, r request) (any, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	if m.Type != "EXPRESS" {
		return nil, fail("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	rec, err := s.start(ctx, r)
	if err != nil {
		return nil, err
	}
	if _, err := rec.x.Wait(ctx); err != nil {
		return nil, fail("InternalFailure", "%v", err)
	}
	out := describe(rec)
	out["stateMachineArn"] = m.Arn
	return out, nil
}

// execution finds an execution by ARN.
func (s *Server) execution(r request) (*record, error) {
	arn, err := r.str("executionArn", true)
	if err != nil {
		return nil, err
	}
	if !arnPattern.MatchString(arn) || !strings.Contains(arn, ":execution:") && !strings.Contains(arn, ":express:") {
		return nil, fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.executions[arn]
	if !ok {
		return nil, fail("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return rec, nil
}

func (s *Server) stopExecution(_ context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	errName, _ := r.str("error", false)
	cause, _ := r.str("cause", false)
	rec.x.Stop(errName, cause)
	<-rec.x.Done()
	return map[string]any{"stopDate": epoch(rec.x.StopDate())}, nil
}

// describe is DescribeExecution's answer.
func describe(rec *record) map[string]any {
	res := rec.x.Result()
	input, _ := json.Marshal(rec.x.Input)
	out := map[string]any{
		"executionArn": rec.x.Arn, "stateMachineArn": rec.machine.Arn, "name": rec.x.Name,
		"status": string(res.Status), "startDate": epoch(rec.x.StartTime),
		"input": string(input), "inputDetails": map[string]any{"included": true},
	}
	if res.Status != asl.StatusRunning {
		out["stopDate"] = epoch(rec.x.StopDate())
	}
	if res.Status == asl.StatusSucceeded {
		output, _ := json.Marshal(res.Output)
		out["output"] = string(output)
		out["outputDetails"] = map[string]any{"included": true}
	}
	if res.Error != "" {
		out["error"] = res.Error
	}
	if res.Cause != "" {
		out["cause"] = res.Cause
	}
	return out
}

func (s *Server) describeExecution(_ context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	return describe(rec), nil
}

var statuses = map[string]bool{"RUNNING": true, "SUCCEEDED": true, "FAILED": true, "TIMED_OUT": true, "ABORTED": true, "PENDING_REDRIVE": true}

func (s *Server) listExecutions(_ context.Context, r request) (any, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	filter, err := r.str("statusFilter", false)
	if err != nil {
		return nil, err
	}
	if filter != "" && !statuses[filter] {
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint", filter)
	}
	s.mu.Lock()
	all := append([]*record(nil), s.byMachine[m.Arn]...)
	s.mu.Unlock()
	var matched []*record
	for i := len(all) - 1; i >= 0; i-- { // newest first, as AWS lists them
		if filter == "" || string(all[i].x.Result().Status) == filter {
			matched = append(matched, all[i])
		}
	}
	page, next, err := paginate(r, len(matched))
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, rec := range matched[page.from:page.to] {
		d := describe(rec)
		item := map[string]any{"executionArn": d["executionArn"], "stateMachineArn": d["stateMachineArn"], "name": d["name"], "status": d["status"], "startDate": d["startDate"]}
		if stop, ok := d["stopDate"]; ok {
			item["stopDate"] = stop
		}
		items = append(items, item)
	}
	return withToken(map[string]any{"executions": items}, next), nil
}

func (s *Server) getExecutionHistory(_ context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	events := rec.x.History()
	if r.bool("reverseOrder") {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	page, next, err := paginate(r, len(events))
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, e := range events[page.from:page.to] {
		items = append(items, wireEvent(e))
	}
	return withToken(map[string]any{"events": items}, next), nil
}

// wireEvent is a history event as the protocol writes it: the timestamp
// in epoch seconds.
func wireEvent(e asl.Event) map[string]any {
	data, _ := json.Marshal(e)
	var m map[string]any
	json.Unmarshal(data, &m)
	m["timestamp"] = epoch(e.Timestamp)
	return m
}

func (s *Server) sendTaskSuccess(_ context.Context, r request) (any, error) {
	token, err := r.str("taskToken", true)
	if err != nil {
		return nil, err
	}
	output, err := r.str("output", true)
	if err != nil {
		return nil, err
	}
	return map[string]any{}, s.eachEngine(token, func(e *asl.Engine) error { return e.SendTaskSuccess(token, []byte(output)) })
}

func (s *Server) sendTaskFailure(_ context.Context, r request) (any, error) {
	token, err := r.str("taskToken", true)
	if err != nil {
		return nil, err
	}
	errName, _ := r.str("error", false)
	cause, _ := r.str("cause", false)
	return map[string]any{}, s.eachEngine(token, func(e *asl.Engine) error { return e.SendTaskFailure(token, errName, cause) })
}

func (s *Server) sendTaskHeartbeat(_ context.Context, r request) (any, error) {
	token, err := r.str("taskToken", true)
	if err != nil {
		return nil, err
	}
	return map[string]any{}, s.eachEngine(token, func(e *asl.Engine) error { return e.SendTaskHeartbeat(token) })
}

// eachEngine offers a task token to each machine's engine until one knows
// it: tokens are unique, and the token says nothing of its machine.
func (s *Server) eachEngine(token string, send func(*asl.Engine) error) error {
	s.mu.Lock()
	engines := make([]*asl.Engine, 0, len(s.machines))
	seen := map[*asl.Engine]bool{}
	for _, rec := range s.executions {
		if !seen[rec.machine.Engine] {
			seen[rec.machine.Engine] = true
			engines = append(engines, rec.machine.Engine)
		}
	}
	s.mu.Unlock()
	last := error(&asl.APIError{Code: asl.CodeTaskDoesNotExist, Message: "Task Does Not Exist"})
	for _, e := range engines {
		err := send(e)
		var api *asl.APIError
		if err == nil {
			return nil
		}
		if errors.As(err, &api) && api.Code == asl.CodeTaskDoesNotExist {
			continue
		}
		last = err
		break
	}
	var api *asl.APIError
	if errors.As(last, &api) {
		return fail(api.Code, "%s", api.Message)
	}
	return last
}

// span is a page of a list.
type span struct{ from, to int }

// paginate reads maxResults and nextToken: a token is the offset of the
// next page, which a client must not make up.
func paginate(r request, total int) (span, string, error) {
	max, err := r.int("maxResults", 100)
	if err != nil {
		return span{}, "", err
	}
	if max == 0 {
		max = 100
	}
	if max < 0 || max > 1000 {
		return span{}, "", fail("ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000", max)
	}
	from := 0
	if token, _ := r.str("nextToken", false); token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "offset:") || n < 0 || n > total {
			return span{}, "", fail("InvalidToken", "Invalid Token: '%s'", token)
		}
		from = n
	}
	to := min(from+max, total)
	next := ""
	if to < total {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(to)))
	}
	return span{from, to}, next, nil
}

func withToken(out map[string]any, next string) map[string]any {
	if next != "" {
		out["nextToken"] = next
	}
	return out
}

// Machines lists the created state machines, sorted by name.
func (s *Server) Machines() []*Machine {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Machine, 0, len(s.machines))
	for _, m := range s.machines {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
