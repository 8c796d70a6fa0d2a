package sfnapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of activities, as AWS's quotas set them.
const (
	// MaxActivities is how many activities one account may have.
	MaxActivities = 10000
	// MaxActivityPollers is how many GetActivityTask calls may wait on one
	// activity at a time; one more gets ActivityWorkerLimitExceeded.
	MaxActivityPollers = 1000
	// ActivityPollTimeout is how long GetActivityTask waits for a task
	// before it answers with no task, as AWS does.
	ActivityPollTimeout = 60 * time.Second
	// maxTags is how many tags a resource may carry.
	maxTags = 50
)

// tag is a resource tag, as the protocol writes it.
type tag struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

// encryption is an activity's encryptionConfiguration.
type encryption struct {
	Type                         string `json:"type"`
	KmsKeyID                     string `json:"kmsKeyId,omitempty"`
	KmsDataKeyReusePeriodSeconds int    `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
}

// createActivityRequest is CreateActivity's request.
type createActivityRequest struct {
	Name                    string      `json:"name"`
	Tags                    []tag       `json:"tags"`
	EncryptionConfiguration *encryption `json:"encryptionConfiguration"`
}

// validate checks the request as AWS does and fills in the defaults.
func (q *createActivityRequest) validate() error {
	if err := validateResourceName(q.Name); err != nil {
		return err
	}
	if len(q.Tags) > maxTags {
		return fail("TooManyTags", "Too many tags: %d given, at most %d are allowed on a resource", len(q.Tags), maxTags)
	}
	for i, t := range q.Tags {
		if t.Key == nil || utf8.RuneCountInString(*t.Key) < 1 || utf8.RuneCountInString(*t.Key) > 128 {
			return fail("ValidationException", "1 validation error detected: Value at 'tags.%d.member.key' failed to satisfy constraint: Member must have length between 1 and 128", i+1)
		}
		if t.Value != nil && utf8.RuneCountInString(*t.Value) > 256 {
			return fail("ValidationException", "1 validation error detected: Value at 'tags.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", i+1)
		}
	}
	if q.EncryptionConfiguration == nil {
		q.EncryptionConfiguration = &encryption{Type: "AWS_OWNED_KEY"}
	}
	switch e := q.EncryptionConfiguration; {
	case e.Type != "AWS_OWNED_KEY" && e.Type != "CUSTOMER_MANAGED_KMS_KEY":
		return fail("ValidationException", "1 validation error detected: Value '%s' at 'encryptionConfiguration.type' failed to satisfy constraint: Member must satisfy enum value set: [AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]", e.Type)
	case e.Type == "CUSTOMER_MANAGED_KMS_KEY" && e.KmsKeyID == "":
		return fail("InvalidEncryptionConfiguration", "kmsKeyId is required when the encryption type is CUSTOMER_MANAGED_KMS_KEY")
	case e.Type == "AWS_OWNED_KEY" && (e.KmsKeyID != "" || e.KmsDataKeyReusePeriodSeconds != 0):
		return fail("InvalidEncryptionConfiguration", "kmsKeyId and kmsDataKeyReusePeriodSeconds apply only to CUSTOMER_MANAGED_KMS_KEY")
	case e.KmsDataKeyReusePeriodSeconds != 0 && (e.KmsDataKeyReusePeriodSeconds < 60 || e.KmsDataKeyReusePeriodSeconds > 900):
		return fail("ValidationException", "1 validation error detected: Value '%d' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value between 60 and 900", e.KmsDataKeyReusePeriodSeconds)
	}
	return nil
}

// validateResourceName applies AWS's rule for the names of activities
// (and executions): 1 to 80 characters, none of them white space, a
// bracket, a wildcard, a control character or one of "#%\^|~`$&,;:/.
func validateResourceName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > 80 {
		return fail("InvalidName", "Invalid Name: '%s' (a name has 1 to 80 characters)", name)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return fail("InvalidName", "Invalid Name: '%s' (it contains %q; use letters, digits, - and _)", name, r)
		}
	}
	return nil
}

// decodeTyped reads a request into its typed struct: a field of the wrong
// JSON type is a SerializationException, as in AWS.
func decodeTyped(r request, v any) error {
	data, _ := json.Marshal(r)
	if err := json.Unmarshal(data, v); err != nil {
		return fail("SerializationException", "the request does not match the operation's shape: %v", err)
	}
	return nil
}

// validated decodes a request into the operation's typed request and
// validates it, so every operation reads its request the same way.
func validated[Q any, P interface {
	*Q
	validate() error
}](r request) (*Q, error) {
	q := P(new(Q))
	if err := decodeTyped(r, q); err != nil {
		return nil, err
	}
	if err := q.validate(); err != nil {
		return nil, err
	}
	return q, nil
}

func (s *Server) createActivity(_ context.Context, r request) (any, error) {
	q, err := validated[createActivityRequest](r)
	if err != nil {
		return nil, err
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:activity:%s", s.region, s.account, q.Name)
	tags := map[string]string{}
	for _, t := range q.Tags {
		tags[*t.Key] = deref(t.Value)
	}
	a, err := s.acts.create(arn, q.Name, s.clock.Now(), tags, *q.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	// The tag operations serve an activity's tags like a machine's.
	s.mu.Lock()
	if _, tagged := s.tags[a.arn]; !tagged {
		given := make([]Tag, 0, len(a.tags))
		for k, v := range a.tags {
			given = append(given, Tag{Key: k, Value: v})
		}
		s.setTagsLocked(a.arn, given)
	}
	s.mu.Unlock()
	return map[string]any{"activityArn": a.arn, "creationDate": epoch(a.created)}, nil
}

// activityArn reads and checks a request's activityArn.
func activityArn(r request) (string, error) {
	arn, err := r.str("activityArn", true)
	if err != nil {
		return "", err
	}
	if len(arn) > 256 || !arnPattern.MatchString(arn) || !strings.Contains(arn, ":states:") || !strings.Contains(arn, ":activity:") {
		return "", fail("InvalidArn", "Invalid Arn: '%s' (an activity ARN is arn:aws:states:REGION:ACCOUNT:activity:NAME)", arn)
	}
	return arn, nil
}

func (s *Server) describeActivity(_ context.Context, r request) (any, error) {
	arn, err := activityArn(r)
	if err != nil {
		return nil, err
	}
	a, err := s.acts.get(arn)
	if err != nil {
		return nil, err
	}
	return map[string]any{"activityArn": a.arn, "name": a.name, "creationDate": epoch(a.created), "encryptionConfiguration": a.encryption}, nil
}

func (s *Server) listActivities(_ context.Context, r request) (any, error) {
	all := s.acts.list()
	page, next, err := paginate(r, len(all))
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, a := range all[page.from:page.to] {
		items = append(items, map[string]any{"activityArn": a.arn, "name": a.name, "creationDate": epoch(a.created)})
	}
	return withToken(map[string]any{"activities": items}, next), nil
}

// deleteActivity deletes an activity; its waiting workers get no task.
// Deleting one that does not exist succeeds, as in AWS.
func (s *Server) deleteActivity(_ context.Context, r request) (any, error) {
	arn, err := activityArn(r)
	if err != nil {
		return nil, err
	}
	s.acts.delete(arn)
	s.mu.Lock()
	delete(s.tags, arn)
	s.mu.Unlock()
	return map[string]any{}, nil
}

// getActivityTask waits up to ActivityPollTimeout for a task of the
// activity, and answers with no taskToken if none comes, when the client
// goes away, when the activity is deleted or when the server closes.
func (s *Server) getActivityTask(ctx context.Context, r request) (any, error) {
	arn, err := activityArn(r)
	if err != nil {
		return nil, err
	}
	worker, err := r.str("workerName", false)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(worker) > 80 {
		return nil, fail("ValidationException", "1 validation error detected: Value at 'workerName' failed to satisfy constraint: Member must have length less than or equal to 80")
	}
	task, err := s.acts.poll(ctx, arn, worker)
	if err != nil || task == nil {
		return map[string]any{}, err
	}
	return map[string]any{"taskToken": task.Token, "input": task.Input}, nil
}

// Close ends the server's long polls: waiting GetActivityTask calls answer
// with no task at once, and later ones do not wait. Call it before
// shutting the HTTP server down, which waits for the calls under way.
func (s *Server) Close() {
	s.acts.close()
}
