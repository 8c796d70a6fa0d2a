package fakes

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// topic is one fake SNS topic and its subscriptions.
type topic struct {
	arn           string
	subscriptions []Subscription
}

// Subscription delivers a topic's messages to an SQS queue.
type Subscription struct {
	Arn, TopicArn string
	// Protocol is "sqs", the only one the fakes deliver to.
	Protocol string
	// Endpoint is the queue's ARN (or URL).
	Endpoint string
	// Raw delivers the message itself rather than SNS's JSON envelope
	// (the RawMessageDelivery attribute).
	Raw bool
}

// SNSError is an error of the fake SNS, with the code SNS answers.
type SNSError struct {
	Code, Message string
}

func (e *SNSError) Error() string { return e.Code + ": " + e.Message }

// Topic defines the topic arn (if it is not yet).
func (a *AWS) Topic(arn string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.topics == nil {
		a.topics = map[string]*topic{}
	}
	if _, ok := a.topics[arn]; !ok {
		a.topics[arn] = &topic{arn: arn}
	}
}

// TopicArns lists the topics' ARNs, sorted.
func (a *AWS) TopicArns() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	arns := make([]string, 0, len(a.topics))
	for arn := range a.topics {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	return arns
}

// Subscribe subscribes an SQS queue (by ARN or URL) to a topic and returns
// the subscription's ARN. Protocols other than sqs are refused: the fakes
// have nowhere to deliver an email or an HTTP call.
func (a *AWS) Subscribe(topicArn, protocol, endpoint string, raw bool) (string, error) {
	if protocol != "sqs" {
		return "", &SNSError{"InvalidParameter", fmt.Sprintf("Invalid parameter: Protocol %q: the local SNS delivers to sqs subscriptions only", protocol)}
	}
	id := a.nextID()
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.topics[topicArn]
	if !ok {
		return "", &SNSError{"NotFound", "Topic does not exist: " + topicArn}
	}
	if _, ok := a.queues[queueName(endpoint)]; !ok {
		return "", &SNSError{"InvalidParameter", "Invalid parameter: Endpoint: no queue " + endpoint}
	}
	sub := Subscription{Arn: topicArn + ":" + id, TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, Raw: raw}
	t.subscriptions = append(t.subscriptions, sub)
	return sub.Arn, nil
}

// Subscriptions lists a topic's subscriptions ("" for every topic's).
func (a *AWS) Subscriptions(topicArn string) []Subscription {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Subscription
	for _, t := range a.topics {
		if topicArn == "" || t.arn == topicArn {
			out = append(out, t.subscriptions...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Arn < out[j].Arn })
	return out
}

// Publish publishes a message to a topic: it is recorded (Messages) and
// delivered to each of the topic's SQS subscriptions, in SNS's JSON
// envelope unless the subscription is raw. Fakes that define no topic only
// record it, so tests that never declare topics keep working.
func (a *AWS) Publish(topicArn, message, subject string, attributes map[string]string) (string, error) {
	id := a.nextID()
	a.mu.Lock()
	t, ok := a.topics[topicArn]
	known := len(a.topics) > 0
	var subs []Subscription
	if ok {
		subs = append(subs, t.subscriptions...)
	}
	a.mu.Unlock()
	if !ok && known {
		return "", &SNSError{"NotFound", "Topic does not exist: " + topicArn}
	}
	a.record(Message{Target: topicArn, Body: message, Attributes: attributes})
	for _, s := range subs {
		body := message
		if !s.Raw {
			body = snsEnvelope(id, topicArn, message, subject, attributes)
		}
		if _, err := a.Enqueue(s.Endpoint, body, nil); err != nil {
			return "", &SNSError{"InternalError", "delivering to " + s.Endpoint + ": " + err.Error()}
		}
	}
	return id, nil
}

// snsEnvelope is the JSON document SNS delivers to an SQS subscription.
func snsEnvelope(id, topicArn, message, subject string, attributes map[string]string) string {
	env := map[string]any{
		"Type": "Notification", "MessageId": id, "TopicArn": topicArn, "Message": message,
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), "SignatureVersion": "1",
	}
	if subject != "" {
		env["Subject"] = subject
	}
	if len(attributes) > 0 {
		attrs := map[string]any{}
		for k, v := range attributes {
			attrs[k] = map[string]string{"Type": "String", "Value": v}
		}
		env["MessageAttributes"] = attrs
	}
	b, _ := json.Marshal(env)
	return string(b)
}
