package fakes

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// SNSEndpoint serves the fake topics over SNS's query protocol (a form
// with Action=, what the AWS CLI and SDKs send): CreateTopic, ListTopics,
// GetTopicAttributes, Publish, Subscribe (sqs endpoints),
// ListSubscriptions and ListSubscriptionsByTopic.
func (a *AWS) SNSEndpoint() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			writeSNSError(w, &SNSError{"InvalidParameter", err.Error()})
			return
		}
		f := r.Form
		action := f.Get("Action")
		var result strings.Builder
		switch action {
		case "CreateTopic":
			if f.Get("Name") == "" {
				writeSNSError(w, &SNSError{"InvalidParameter", "Invalid parameter: Name"})
				return
			}
			arn := "arn:aws:sns:us-east-1:" + Account + ":" + f.Get("Name")
			a.Topic(arn)
			result.WriteString("<TopicArn>" + xmlText(arn) + "</TopicArn>")
		case "ListTopics":
			result.WriteString("<Topics>")
			for _, arn := range a.TopicArns() {
				result.WriteString("<member><TopicArn>" + xmlText(arn) + "</TopicArn></member>")
			}
			result.WriteString("</Topics>")
		case "GetTopicAttributes":
			arn := f.Get("TopicArn")
			if !a.hasTopic(arn) {
				writeSNSError(w, &SNSError{"NotFound", "Topic does not exist"})
				return
			}
			subs := len(a.Subscriptions(arn))
			result.WriteString("<Attributes>")
			for _, kv := range [][2]string{{"TopicArn", arn}, {"SubscriptionsConfirmed", strconv.Itoa(subs)}, {"SubscriptionsPending", "0"}} {
				result.WriteString("<entry><key>" + kv[0] + "</key><value>" + xmlText(kv[1]) + "</value></entry>")
			}
			result.WriteString("</Attributes>")
		case "Publish":
			attrs := map[string]string{}
			for i := 1; f.Has("MessageAttributes.entry." + strconv.Itoa(i) + ".Name"); i++ {
				p := "MessageAttributes.entry." + strconv.Itoa(i) + "."
				attrs[f.Get(p+"Name")] = f.Get(p + "Value.StringValue")
			}
			id, err := a.Publish(f.Get("TopicArn"), f.Get("Message"), f.Get("Subject"), attrs)
			if err != nil {
				writeSNSError(w, err)
				return
			}
			result.WriteString("<MessageId>" + id + "</MessageId>")
		case "Subscribe":
			raw := false
			for i := 1; f.Has("Attributes.entry." + strconv.Itoa(i) + ".key"); i++ {
				p := "Attributes.entry." + strconv.Itoa(i) + "."
				raw = raw || f.Get(p+"key") == "RawMessageDelivery" && f.Get(p+"value") == "true"
			}
			arn, err := a.Subscribe(f.Get("TopicArn"), f.Get("Protocol"), f.Get("Endpoint"), raw)
			if err != nil {
				writeSNSError(w, err)
				return
			}
			result.WriteString("<SubscriptionArn>" + xmlText(arn) + "</SubscriptionArn>")
		case "ListSubscriptions", "ListSubscriptionsByTopic":
			result.WriteString("<Subscriptions>")
			for _, s := range a.Subscriptions(f.Get("TopicArn")) {
				result.WriteString("<member><SubscriptionArn>" + xmlText(s.Arn) + "</SubscriptionArn><TopicArn>" + xmlText(s.TopicArn) +
					"</TopicArn><Protocol>" + s.Protocol + "</Protocol><Endpoint>" + xmlText(s.Endpoint) + "</Endpoint><Owner>" + Account + "</Owner></member>")
			}
			result.WriteString("</Subscriptions>")
		default:
			writeSNSError(w, &SNSError{"InvalidAction", "The action " + action + " is not valid for this endpoint (the local SNS does not implement it)."})
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<?xml version="1.0"?><`+action+`Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><`+action+`Result>`+
			result.String()+`</`+action+`Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></`+action+`Response>`)
	})
}

func (a *AWS) hasTopic(arn string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.topics[arn]
	return ok
}

func writeSNSError(w http.ResponseWriter, err error) {
	var e *SNSError
	if !errors.As(err, &e) {
		e = &SNSError{"InternalError", err.Error()}
	}
	status := http.StatusBadRequest
	if e.Code == "NotFound" {
		status = http.StatusNotFound
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<?xml version="1.0"?><ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>`+
		xmlText(e.Code)+`</Code><Message>`+xmlText(e.Message)+`</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`)
}
