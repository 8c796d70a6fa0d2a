package triggers

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
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
