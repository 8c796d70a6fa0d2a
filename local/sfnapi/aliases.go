package sfnapi

import (
	"context"
	"math/rand/v2"
	"regexp"
	"time"
)

// MaxAliases is how many aliases a state machine may have, as AWS's
// quota.
const MaxAliases = 100

// Alias routes the executions started with its ARN to one of one or two
// versions of its state machine, by weight.
type Alias struct {
	Arn, Name, Description string
	Created, Updated       time.Time
	Routing                []Route
}

// Route is one version of an alias's routing and the percentage of
// executions it gets.
type Route struct {
	VersionArn string `json:"stateMachineVersionArn"`
	Weight     int    `json:"weight"`
}

// route picks a version by the routing's weights.
func (a *Alias) route() string {
	n := rand.IntN(100)
	for _, r := range a.Routing {
		if n < r.Weight {
			return r.VersionArn
		}
		n -= r.Weight
	}
	return a.Routing[0].VersionArn
}

// alias is the alias of the ARN, or nil.
func (v *versioning) alias(arn string) *Alias {
	if v == nil {
		return nil
	}
	for _, a := range v.aliases {
		if a.Arn == arn {
			return a
		}
	}
	return nil
}

// Aliases lists a state machine's aliases in creation order.
func (s *Server) Aliases(machineArn string) []Alias {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Alias
	if v := s.versions[machineArn]; v != nil {
		for _, a := range v.aliases {
			c := *a
			c.Routing = append([]Route(nil), a.Routing...)
			out = append(out, c)
		}
	}
	return out
}

// aliasName is AWS's pattern for an alias name: it may not be all digits,
// which would read as a version number.
var (
	aliasName  = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,80}$`)
	digitsOnly = regexp.MustCompile(`^[0-9]+$`)
)

// checkRouting validates a routing configuration as AWS does: one or two
// distinct versions of the machine base, weights from 0 to 100 summing
// to 100. The versions must exist (ResourceNotFound). s.mu is held.
func (s *Server) checkRoutingLocked(base string, routing []Route) error {
	if len(routing) < 1 || len(routing) > 2 {
		return fail("ValidationException", "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2")
	}
	sum := 0
	for i, r := range routing {
		b, q, err := qualified(r.VersionArn)
		if err != nil {
			return err
		}
		if !versionNumber.MatchString(q) {
			return fail("ValidationException", "Routing configuration must contain state machine version ARNs, got '%s'", r.VersionArn)
		}
		if b != base {
			return fail("ValidationException", "Routing configuration must contain versions of %s, got '%s'", base, r.VersionArn)
		}
		if r.Weight < 0 || r.Weight > 100 {
			return fail("ValidationException", "1 validation error detected: Value '%d' at 'routingConfiguration.%d.member.weight' failed to satisfy constraint: Member must have value between 0 and 100", r.Weight, i+1)
		}
		if i == 1 && routing[0].VersionArn == r.VersionArn {
			return fail("ValidationException", "Routing configuration must contain distinct state machine version ARNs")
		}
		if s.versions[base].find(r.VersionArn) == nil {
			return fail("ResourceNotFound", "Resource not found: '%s'", r.VersionArn)
		}
		sum += r.Weight
	}
	if sum != 100 {
		return fail("ValidationException", "Sum of routing configuration weights must equal 100, got %d", sum)
	}
	return nil
}

type aliasRequest struct {
	Name        string   `json:"name"`
	Description *string  `json:"description"`
	Routing     *[]Route `json:"routingConfiguration"`
	AliasArn    string   `json:"stateMachineAliasArn"`
}

func (s *Server) createStateMachineAlias(_ context.Context, r request) (any, error) {
	req, err := decode[aliasRequest](r)
	if err != nil {
		return nil, err
	}
	switch {
	case req.Name == "":
		return nil, missing("name")
	case !aliasName.MatchString(req.Name) || digitsOnly.MatchString(req.Name):
		return nil, fail("InvalidName", "Invalid Name: '%s'", req.Name)
	case req.Routing == nil:
		return nil, missing("routingConfiguration")
	case len(deref(req.Description)) > 256:
		return nil, tooLong("description", *req.Description, 256)
	}
	var base string
	if len(*req.Routing) > 0 {
		if base, _, err = qualified((*req.Routing)[0].VersionArn); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkRoutingLocked(base, *req.Routing); err != nil {
		return nil, err
	}
	v := s.versioningLocked(base)
	arn := base + ":" + req.Name
	if a := v.alias(arn); a != nil {
		if a.Description == deref(req.Description) && sameJSON(a.Routing, *req.Routing) {
			return map[string]any{"stateMachineAliasArn": a.Arn, "creationDate": epoch(a.Created)}, nil
		}
		return nil, fail("ConflictException", "Failed to create alias because an alias with the same name and a different routing configuration already exists: '%s'", arn)
	}
	if len(v.aliases) >= MaxAliases {
		return nil, fail("ServiceQuotaExceededException", "The state machine %s has %d aliases, the most allowed", base, MaxAliases)
	}
	now := s.clock.Now()
	a := &Alias{Arn: arn, Name: req.Name, Description: deref(req.Description), Created: now, Updated: now, Routing: append([]Route(nil), *req.Routing...)}
	v.aliases = append(v.aliases, a)
	return map[string]any{"stateMachineAliasArn": arn, "creationDate": epoch(now)}, nil
}

// aliasLocked finds the alias of req.AliasArn. s.mu is held.
func (s *Server) aliasLocked(arn string) (*Alias, *versioning, error) {
	if arn == "" {
		return nil, nil, missing("stateMachineAliasArn")
	}
	base, q, err := qualified(arn)
	if err != nil {
		return nil, nil, err
	}
	if q == "" || digitsOnly.MatchString(q) {
		return nil, nil, fail("InvalidArn", "Invalid Arn: '%s': not a state machine alias ARN", arn)
	}
	v := s.versions[base]
	a := v.alias(arn)
	if a == nil {
		return nil, nil, fail("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	return a, v, nil
}

func (s *Server) describeStateMachineAlias(_ context.Context, r request) (any, error) {
	req, err := decode[aliasRequest](r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, _, err := s.aliasLocked(req.AliasArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineAliasArn": a.Arn, "name": a.Name, "routingConfiguration": a.Routing,
		"creationDate": epoch(a.Created), "updateDate": epoch(a.Updated)}
	if a.Description != "" {
		out["description"] = a.Description
	}
	return out, nil
}

func (s *Server) updateStateMachineAlias(_ context.Context, r request) (any, error) {
	req, err := decode[aliasRequest](r)
	if err != nil {
		return nil, err
	}
	if req.Description == nil && req.Routing == nil {
		return nil, fail("ValidationException", "Either the description or the routingConfiguration must be specified")
	}
	if len(deref(req.Description)) > 256 {
		return nil, tooLong("description", *req.Description, 256)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, _, err := s.aliasLocked(req.AliasArn)
	if err != nil {
		return nil, err
	}
	if req.Routing != nil {
		base, _, _ := qualified(a.Arn)
		if err := s.checkRoutingLocked(base, *req.Routing); err != nil {
			return nil, err
		}
		a.Routing = append([]Route(nil), *req.Routing...)
	}
	if req.Description != nil {
		a.Description = *req.Description
	}
	a.Updated = s.clock.Now()
	return map[string]any{"updateDate": epoch(a.Updated)}, nil
}

func (s *Server) deleteStateMachineAlias(_ context.Context, r request) (any, error) {
	req, err := decode[aliasRequest](r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, v, err := s.aliasLocked(req.AliasArn)
	if err != nil {
		return nil, err
	}
	for i, b := range v.aliases {
		if b == a {
			v.aliases = append(v.aliases[:i:i], v.aliases[i+1:]...)
			break
		}
	}
	return map[string]any{}, nil
}

func (s *Server) listStateMachineAliases(_ context.Context, r request) (any, error) {
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	var list []*Alias
	if v := s.versions[m.Arn]; v != nil {
		list = append(list, v.aliases...)
	}
	s.mu.Unlock()
	page, next, err := paginate(r, len(list))
	if err != nil {
		return nil, err
	}
	items := []any{}
	s.mu.Lock()
	for _, a := range list[page.from:page.to] {
		items = append(items, map[string]any{"stateMachineAliasArn": a.Arn, "creationDate": epoch(a.Created)})
	}
	s.mu.Unlock()
	return withToken(map[string]any{"stateMachineAliases": items}, next), nil
}
