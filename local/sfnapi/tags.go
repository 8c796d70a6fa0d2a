package sfnapi

import (
	"context"
	"regexp"
	"sort"
	"strings"
)

// Tag limits of AWS: per resource, and per key and value (in characters).
const (
	MaxTags        = 50
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// taggable says, by the resource type of an ARN (the sixth field, such as
// stateMachine), how to tell whether the server knows the resource. A
// file that adds a kind of resource that takes tags adds its lookup
// here; each runs with s.mu held.
var taggable = map[string]func(s *Server, arn string) bool{
	"stateMachine": func(s *Server, arn string) bool { _, ok := s.machines[arn]; return ok },
	// The activity store has a lock of its own and never takes s.mu.
	"activity": func(s *Server, arn string) bool { _, err := s.acts.get(arn); return err == nil },
}

// Tag is a resource tag as the protocol writes it.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTags validates tags as AWS documents them.
func checkTags(tags []Tag) error {
	for _, t := range tags {
		if err := checkTagKey(t.Key); err != nil {
			return err
		}
		if len([]rune(t.Value)) > MaxTagValueLen || !tagText.MatchString(t.Value) {
			return fail("ValidationException", "1 validation error detected: Value '%s' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to %d and match [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", t.Value, MaxTagValueLen)
		}
	}
	return nil
}

func checkTagKey(key string) error {
	if n := len([]rune(key)); n < 1 || n > MaxTagKeyLen || !tagText.MatchString(key) {
		return fail("ValidationException", "1 validation error detected: Value '%s' at 'tagKey' failed to satisfy constraint: Member must have length between 1 and %d and match [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", key, MaxTagKeyLen)
	}
	if strings.HasPrefix(strings.ToLower(key), "aws:") {
		return fail("ValidationException", "Tag keys starting with 'aws:' are reserved for AWS use: '%s'", key)
	}
	return nil
}

// taggedLocked checks the resource ARN and finds its tags; s.mu is held.
func (s *Server) taggedLocked(arn string) (map[string]string, error) {
	if arn == "" {
		return nil, missing("resourceArn")
	}
	parts := strings.Split(arn, ":")
	if len(arn) > 256 || !arnPattern.MatchString(arn) || len(parts) != 7 || parts[2] != "states" {
		return nil, fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	known, ok := taggable[parts[5]]
	if !ok {
		return nil, fail("InvalidArn", "Invalid Arn: '%s': only state machines and activities take tags", arn)
	}
	if !known(s, arn) {
		return nil, fail("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	if s.tags == nil {
		s.tags = map[string]map[string]string{}
	}
	return s.tags[arn], nil
}

func (s *Server) tagResource(_ context.Context, r request) (any, error) {
	req, err := decode[struct {
		ResourceArn string `json:"resourceArn"`
		Tags        []Tag  `json:"tags"`
	}](r)
	if err != nil {
		return nil, err
	}
	if r["tags"] == nil {
		return nil, missing("tags")
	}
	if err := checkTags(req.Tags); err != nil {
		return nil, err
	}
	return s.retag(req.ResourceArn, func(next map[string]string) error {
		for _, t := range req.Tags {
			next[t.Key] = t.Value
		}
		if len(next) > MaxTags {
			return fail("TooManyTags", "Too many tags: %s would have %d tags; at most %d are allowed", req.ResourceArn, len(next), MaxTags)
		}
		return nil
	})
}

func (s *Server) untagResource(_ context.Context, r request) (any, error) {
	req, err := decode[struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}](r)
	if err != nil {
		return nil, err
	}
	if r["tagKeys"] == nil {
		return nil, missing("tagKeys")
	}
	for _, k := range req.TagKeys {
		if err := checkTagKey(k); err != nil {
			return nil, err
		}
	}
	return s.retag(req.ResourceArn, func(next map[string]string) error {
		for _, k := range req.TagKeys {
			delete(next, k)
		}
		return nil
	})
}

// retag lets change edit a copy of the resource's tags, and keeps the copy
// only if change accepts it, so a refused request changes nothing.
func (s *Server) retag(arn string, change func(next map[string]string) error) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	have, err := s.taggedLocked(arn)
	if err != nil {
		return nil, err
	}
	next := make(map[string]string, len(have))
	for k, v := range have {
		next[k] = v
	}
	if err := change(next); err != nil {
		return nil, err
	}
	s.tags[arn] = next
	return map[string]any{}, nil
}

func (s *Server) listTagsForResource(_ context.Context, r request) (any, error) {
	arn, err := r.str("resourceArn", true)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	have, err := s.taggedLocked(arn)
	if err != nil {
		return nil, err
	}
	tags := []Tag{}
	for k, v := range have {
		tags = append(tags, Tag{k, v})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return map[string]any{"tags": tags}, nil
}

// createTags reads and checks the tags of a Create* request.
func createTags(r request) ([]Tag, error) {
	req, err := decode[struct {
		Tags []Tag `json:"tags"`
	}](r)
	if err != nil {
		return nil, err
	}
	if err := checkTags(req.Tags); err != nil {
		return nil, err
	}
	if len(req.Tags) > MaxTags {
		return nil, fail("TooManyTags", "Too many tags: %d given; at most %d are allowed", len(req.Tags), MaxTags)
	}
	return req.Tags, nil
}

// setTagsLocked gives a new resource its tags; s.mu is held.
func (s *Server) setTagsLocked(arn string, tags []Tag) {
	if len(tags) == 0 {
		return
	}
	if s.tags == nil {
		s.tags = map[string]map[string]string{}
	}
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	s.tags[arn] = m
}

// Tags is a resource's tags; nil if it has none.
func (s *Server) Tags(arn string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.tags[arn] {
		out[k] = v
	}
	return out
}
