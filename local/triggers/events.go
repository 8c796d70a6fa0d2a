package triggers

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/fakes"
)

// EventsEndpoint serves EventBridge's PutEvents over its JSON protocol
// (X-Amz-Target: AWSEvents.PutEvents, what `aws events put-events` and the
// SDKs send): each entry becomes an event on its bus (EventBusName, a name
// or ARN; the default bus if empty), matched against that bus's rules.
// Other operations answer that the local EventBridge does not implement
// them.
func (t *Triggers) EventsEndpoint() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		write := func(status int, v any) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(v)
		}
		action, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSEvents.")
		if action != "PutEvents" {
			write(http.StatusBadRequest, map[string]string{"__type": "UnknownOperationException", "message": "the local EventBridge implements PutEvents only, not " + action})
			return
		}
		var in struct {
			Entries []struct {
				Source, DetailType, Detail, EventBusName string
				Resources                                []string
				Time                                     *float64
			}
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || len(in.Entries) == 0 || len(in.Entries) > 10 {
			write(http.StatusBadRequest, map[string]string{"__type": "ValidationException", "message": "give 1 to 10 Entries"})
			return
		}
		out := []map[string]string{}
		failed := 0
		for _, e := range in.Entries {
			var detail any
			if e.Source == "" || e.DetailType == "" || json.Unmarshal([]byte(e.Detail), &detail) != nil {
				failed++
				out = append(out, map[string]string{"ErrorCode": "MalformedDetail", "ErrorMessage": "an entry needs Source, DetailType and a JSON object as Detail"})
				continue
			}
			at := t.Now()
			if e.Time != nil {
				at = time.Unix(int64(*e.Time), 0).UTC()
			}
			resources := []any{}
			for _, res := range e.Resources {
				resources = append(resources, res)
			}
			id := newID()
			bus := e.EventBusName
			if bus == "" {
				bus = "default"
			}
			t.PutEvent(bus, map[string]any{
				"version": "0", "id": id, "detail-type": e.DetailType, "source": e.Source, "account": cfn.PlaceholderAccount,
				"time": at.Format(time.RFC3339), "region": cfn.PlaceholderRegion, "resources": resources, "detail": detail,
			})
			out = append(out, map[string]string{"EventId": id})
		}
		write(http.StatusOK, map[string]any{"FailedEntryCount": failed, "Entries": out})
	})
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// ObjectCreated sends EventBridge the "Object Created" event of an object
// written to a bucket with EventBridge notifications on; writes to other
// buckets send nothing, as in S3. Set it as fakes.AWS.ObjectCreated.
func (t *Triggers) ObjectCreated(o fakes.ObjectCreated) {
	if !t.eventBus[o.Bucket] {
		return
	}
	t.mu.Lock()
	t.seq++
	sequencer := fmt.Sprintf("%018X", t.seq)
	t.mu.Unlock()
	t.PutEvent("default", map[string]any{
		"version": "0", "id": newID(), "detail-type": "Object Created", "source": "aws.s3", "account": cfn.PlaceholderAccount,
		"time": t.Now().Format(time.RFC3339), "region": cfn.PlaceholderRegion, "resources": []any{"arn:aws:s3:::" + o.Bucket},
		"detail": map[string]any{
			"version": "0", "bucket": map[string]any{"name": o.Bucket},
			"object":     map[string]any{"key": o.Key, "size": float64(o.Size), "etag": o.ETag, "sequencer": sequencer},
			"request-id": newID(), "requester": cfn.PlaceholderAccount, "source-ip-address": "127.0.0.1", "reason": o.Reason,
		},
	})
}

// PutEvent delivers an event (EventBridge's envelope, decoded JSON) sent to
// the bus (a name or ARN; "default" is the account's default bus) to the
// targets of every pattern rule of that bus it matches; one that matches
// none is logged with why the rules did not match, and dropped.
func (t *Triggers) PutEvent(bus string, event map[string]any) {
	bus = busName(bus)
	what := fmt.Sprintf("%v from %v", event["detail-type"], event["source"])
	matched := false
	var why []string
	for _, r := range t.rules {
		if r.pattern == nil || r.bus != bus {
			continue
		}
		ok, reason := r.pattern.Match(event)
		if !ok {
			why = append(why, r.name+": "+reason)
			continue
		}
		matched = true
		t.deliver(r, event, what)
	}
	if !matched {
		reason := "no rule of the event bus " + bus + " has an event pattern"
		if len(why) > 0 {
			reason = fmt.Sprint(why)
		}
		t.record(Firing{Time: t.Now(), Event: what + " " + eventSubject(event), Outcome: "unmatched: " + reason})
	}
}

// eventSubject names what an event is about, for the log.
func eventSubject(event map[string]any) string {
	detail, _ := event["detail"].(map[string]any)
	bucket, _ := detail["bucket"].(map[string]any)
	object, _ := detail["object"].(map[string]any)
	if bucket != nil && object != nil {
		return fmt.Sprintf("s3://%v/%v", bucket["name"], object["key"])
	}
	b, _ := json.Marshal(event["resources"])
	return string(b)
}
