package sfnapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxVersions is how many versions a state machine may have at once, as
// AWS's quota: publishing past it is ServiceQuotaExceededException.
const MaxVersions = 1000

// Version is a published, immutable state machine version.
type Version struct {
	Arn         string
	Number      int
	Description string
	Created     time.Time
	// Machine is the state machine as it was when published: its
	// definition, role and revision. Its Arn is the unqualified one.
	Machine *Machine
}

// versioning is one state machine's versions and aliases, guarded by
// Server.mu.
type versioning struct {
	next     int        // the number the next version gets; numbers are never reused
	versions []*Version // oldest first
	aliases  []*Alias   // in creation order
}

// versioningLocked is the versions and aliases of the machine arn, made
// on first use. s.mu is held.
func (s *Server) versioningLocked(arn string) *versioning {
	if s.versions == nil {
		s.versions = map[string]*versioning{}
	}
	v := s.versions[arn]
	if v == nil {
		v = &versioning{next: 1}
		s.versions[arn] = v
	}
	return v
}

// Versions lists a state machine's versions, oldest first.
func (s *Server) Versions(machineArn string) []Version {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Version
	if v := s.versions[machineArn]; v != nil {
		for _, ver := range v.versions {
			out = append(out, *ver)
		}
	}
	return out
}

// newRevision is a revision id: it changes with every update of a
// machine's definition, role or configurations.
func newRevision() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// qualified splits a state machine ARN into the unqualified ARN and its
// qualifier (a version number or an alias name; empty if none).
func qualified(arn string) (base, qualifier string, err error) {
	if len(arn) > 2048 || !arnPattern.MatchString(arn) {
		return "", "", fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[2] != "states" || parts[5] != "stateMachine" || parts[6] == "" {
		return "", "", fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	if len(parts) == 8 {
		if parts[7] == "" {
			return "", "", fail("InvalidArn", "Invalid Arn: '%s'", arn)
		}
		return strings.Join(parts[:7], ":"), parts[7], nil
	}
	return arn, "", nil
}

var versionNumber = regexp.MustCompile(`^[1-9][0-9]{0,9}$`)

// target resolves the stateMachineArn of StartExecution: an unqualified
// ARN runs the machine's current definition, a version ARN that
// version's, and an alias ARN the version its routing picks.
func (s *Server) target(arn string) (m *Machine, versionArn, aliasArn string, err error) {
	base, q, err := qualified(arn)
	if err != nil {
		return nil, "", "", err
	}
	if q == "" {
		m, err := s.machineByArn(arn)
		return m, "", "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.machines[base]; !ok {
		return nil, "", "", fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", base)
	}
	v := s.versions[base]
	if versionNumber.MatchString(q) {
		ver := v.find(arn)
		if ver == nil {
			return nil, "", "", fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
		}
		return ver.Machine, ver.Arn, "", nil
	}
	a := v.alias(arn)
	if a == nil {
		return nil, "", "", fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	ver := v.find(a.route())
	if ver == nil { // routing names only existing versions; deleting one in use is refused
		return nil, "", "", fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", a.route())
	}
	return ver.Machine, ver.Arn, a.Arn, nil
}

// executionsOf resolves the stateMachineArn of ListExecutions: an
// unqualified ARN lists all the machine's executions, a version or alias
// ARN those started with it (also after the version or alias was
// deleted).
func (s *Server) executionsOf(arn string) (*Machine, func(*record) bool, error) {
	base, q, err := qualified(arn)
	if err != nil {
		return nil, nil, err
	}
	if q == "" {
		m, err := s.machineByArn(arn)
		return m, func(*record) bool { return true }, err
	}
	s.mu.Lock()
	m, ok := s.machines[base]
	s.mu.Unlock()
	if !ok {
		return nil, nil, fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", base)
	}
	if versionNumber.MatchString(q) {
		return m, func(rec *record) bool { return rec.versionArn == arn }, nil
	}
	return m, func(rec *record) bool { return rec.aliasArn == arn }, nil
}

// find is the version of the ARN, or nil.
func (v *versioning) find(arn string) *Version {
	if v == nil {
		return nil
	}
	for _, ver := range v.versions {
		if ver.Arn == arn {
			return ver
		}
	}
	return nil
}

// publishLocked publishes m as a new version, or answers the latest
// version if m has not changed since it was published. s.mu is held.
func (s *Server) publishLocked(m *Machine, description, revision string) (*Version, error) {
	if revision == "INITIAL" && m.RevisionID == "" { // AWS's name for the revision of a machine never updated
		revision = ""
	}
	if revision != "" && revision != m.RevisionID {
		return nil, fail("ConflictException", "Failed to publish the State Machine version: revision '%s' is not the current revision '%s'", revision, m.RevisionID)
	}
	v := s.versioningLocked(m.Arn)
	if n := len(v.versions); n > 0 && v.versions[n-1].Machine.RevisionID == m.RevisionID {
		latest := v.versions[n-1]
		if description != "" && description != latest.Description {
			return nil, fail("ConflictException", "Failed to publish the State Machine version: version %d has the same revision and the description '%s'", latest.Number, latest.Description)
		}
		return latest, nil
	}
	if len(v.versions) >= MaxVersions {
		return nil, fail("ServiceQuotaExceededException", "The state machine %s has %d versions, the most allowed; delete some", m.Arn, MaxVersions)
	}
	ver := &Version{Arn: m.Arn + ":" + strconv.Itoa(v.next), Number: v.next, Description: description, Created: s.clock.Now(), Machine: m}
	v.next++
	v.versions = append(v.versions, ver)
	return ver, nil
}

func (s *Server) publishStateMachineVersion(_ context.Context, r request) (any, error) {
	req, err := decode[struct {
		StateMachineArn string `json:"stateMachineArn"`
		RevisionID      string `json:"revisionId"`
		Description     string `json:"description"`
	}](r)
	if err != nil {
		return nil, err
	}
	if len(req.Description) > 256 {
		return nil, tooLong("description", req.Description, 256)
	}
	if _, q, err := qualified(req.StateMachineArn); err == nil && q != "" {
		return nil, fail("InvalidArn", "Invalid Arn: '%s': publish a version of the unqualified state machine ARN", req.StateMachineArn)
	}
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.machines[m.Arn]; ok {
		m = cur
	}
	ver, err := s.publishLocked(m, req.Description, req.RevisionID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"stateMachineVersionArn": ver.Arn, "creationDate": epoch(ver.Created)}, nil
}

func (s *Server) listStateMachineVersions(_ context.Context, r request) (any, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	var list []*Version
	if v := s.versions[m.Arn]; v != nil {
		for i := len(v.versions) - 1; i >= 0; i-- { // newest first, as AWS lists them
			list = append(list, v.versions[i])
		}
	}
	s.mu.Unlock()
	page, next, err := paginate(r, len(list))
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, ver := range list[page.from:page.to] {
		items = append(items, map[string]any{"stateMachineVersionArn": ver.Arn, "creationDate": epoch(ver.Created)})
	}
	return withToken(map[string]any{"stateMachineVersions": items}, next), nil
}

// deleteStateMachineVersion deletes a version no alias routes to.
// Deleting a version that does not exist succeeds, as in AWS.
func (s *Server) deleteStateMachineVersion(_ context.Context, r request) (any, error) {
	arn, err := r.str("stateMachineVersionArn", true)
	if err != nil {
		return nil, err
	}
	base, q, err := qualified(arn)
	if err != nil {
		return nil, err
	}
	if !versionNumber.MatchString(q) {
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'stateMachineVersionArn' failed to satisfy constraint: Member must be a state machine version ARN", arn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.versions[base]
	if v == nil {
		return map[string]any{}, nil
	}
	for _, a := range v.aliases {
		for _, route := range a.Routing {
			if route.VersionArn == arn {
				return nil, fail("ConflictException", "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]", a.Name)
			}
		}
	}
	for i, ver := range v.versions {
		if ver.Arn == arn {
			v.versions = append(v.versions[:i:i], v.versions[i+1:]...)
			break
		}
	}
	return map[string]any{}, nil
}

// describeVersion answers DescribeStateMachine for a version ARN; ok is
// false for any other ARN.
func (s *Server) describeVersion(arn string) (out map[string]any, ok bool, err error) {
	base, q, err := qualified(arn)
	if err != nil || q == "" {
		return nil, false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ver := s.versions[base].find(arn)
	if ver == nil {
		return nil, true, fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	out = describeMachine(ver.Machine)
	out["stateMachineArn"], out["creationDate"] = ver.Arn, epoch(ver.Created)
	if ver.Description != "" {
		out["description"] = ver.Description
	}
	return out, true, nil
}

// decode reads a request into its typed struct; a field of the wrong
// type is a SerializationException, as AWS answers.
// decode reads a request into a typed struct of the operation's shape.
func decode[T any](r request) (T, error) {
	var out T
	err := decodeTyped(r, &out)
	return out, err
}

func missing(field string) error {
	return fail("ValidationException", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

func tooLong(field, value string, max int) error {
	return fail("ValidationException", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", value, field, max)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// sameJSON reports whether a and b marshal alike.
func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
