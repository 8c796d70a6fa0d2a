package fakes

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// DefaultVisibilityTimeout is how long a received message stays hidden
// when neither the queue nor the request says, as in SQS.
const DefaultVisibilityTimeout = 30 * time.Second

// QueueOptions configure a fake SQS queue.
type QueueOptions struct {
	// VisibilityTimeout hides a received message this long. If zero,
	// DefaultVisibilityTimeout.
	VisibilityTimeout time.Duration
	// DeadLetterQueue names the queue a message moves to once it has been
	// received MaxReceiveCount times without being deleted (the queue's
	// RedrivePolicy). If empty, messages stay.
	DeadLetterQueue string
	MaxReceiveCount int
}

// queue is one fake SQS queue; its messages are in the order sent.
type queue struct {
	name     string
	opts     QueueOptions
	messages []*queuedMessage
	arrived  chan struct{} // closed and replaced when a message arrives
}

// queuedMessage is a message in a queue.
type queuedMessage struct {
	QueueMessage
	visibleAt time.Time
	receipt   string
}

// QueueMessage is a message as SQS hands it to a consumer.
type QueueMessage struct {
	MessageID, Body, MD5OfBody string
	// ReceiptHandle deletes the message or changes its visibility; it
	// changes with every receive.
	ReceiptHandle string
	// Attributes are the message attributes the sender set.
	Attributes map[string]string
	// ReceiveCount counts receives, this one included.
	ReceiveCount int
	Sent         time.Time
}

// queueName reads a queue's name from its name, URL
// (https://sqs.us-east-1.amazonaws.com/123456789012/Name, or the local
// endpoint's http://127.0.0.1:4566/123456789012/Name) or ARN.
func queueName(ref string) string {
	if i := strings.LastIndexAny(ref, "/:"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

// Queue defines (or reconfigures) the queue name. Messages sent to a queue
// the fakes do not know are only recorded (Messages), as before queues
// existed; sent through the SQS endpoint, they are refused.
func (a *AWS) Queue(name string, opts QueueOptions) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.queues == nil {
		a.queues = map[string]*queue{}
	}
	if q, ok := a.queues[name]; ok {
		q.opts = opts
		return
	}
	a.queues[name] = &queue{name: name, opts: opts, arrived: make(chan struct{})}
}

// QueueNames lists the queues, sorted.
func (a *AWS) QueueNames() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	names := make([]string, 0, len(a.queues))
	for n := range a.queues {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SQSError is an error of the fake SQS, with the code SQS answers.
type SQSError struct {
	// Code is the JSON protocol's error type (QueueDoesNotExist,
	// ReceiptHandleIsInvalid, InvalidParameterValue).
	Code, Message string
}

func (e *SQSError) Error() string { return e.Code + ": " + e.Message }

func errNoQueue(name string) error {
	return &SQSError{"QueueDoesNotExist", "The specified queue " + name + " does not exist."}
}

// Enqueue sends body to the queue ref (name, URL or ARN) and returns the
// message id.
func (a *AWS) Enqueue(ref, body string, attributes map[string]string) (string, error) {
	id := a.nextID()
	a.mu.Lock()
	defer a.mu.Unlock()
	q, ok := a.queues[queueName(ref)]
	if !ok {
		return "", errNoQueue(queueName(ref))
	}
	sum := md5.Sum([]byte(body))
	q.messages = append(q.messages, &queuedMessage{QueueMessage: QueueMessage{
		MessageID: id, Body: body, MD5OfBody: hex.EncodeToString(sum[:]), Attributes: attributes, Sent: time.Now(),
	}})
	close(q.arrived)
	q.arrived = make(chan struct{})
	return id, nil
}

// Receive takes up to limit visible messages (1 to 10) from the queue ref,
// hiding each for visibility (the queue's if negative). With wait above
// zero it long-polls: it returns as soon as a message is there, or empty
// after wait or when ctx ends.
func (a *AWS) Receive(ctx context.Context, ref string, limit int, visibility, wait time.Duration) ([]QueueMessage, error) {
	if limit < 1 || limit > 10 {
		return nil, &SQSError{"InvalidParameterValue", fmt.Sprintf("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", limit)}
	}
	deadline := time.Now().Add(wait)
	for {
		got, arrived, err := a.receiveNow(ref, limit, visibility)
		if err != nil || len(got) > 0 || wait <= 0 {
			return got, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return got, nil
		}
		timer := time.NewTimer(min(left, time.Second)) // a hidden message may come back meanwhile
		select {
		case <-arrived:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, nil
		}
		timer.Stop()
	}
}

func (a *AWS) receiveNow(ref string, limit int, visibility time.Duration) ([]QueueMessage, <-chan struct{}, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	q, ok := a.queues[queueName(ref)]
	if !ok {
		return nil, nil, errNoQueue(queueName(ref))
	}
	if visibility < 0 {
		visibility = q.opts.VisibilityTimeout
		if visibility == 0 {
			visibility = DefaultVisibilityTimeout
		}
	}
	now := time.Now()
	var out []QueueMessage
	kept := q.messages[:0]
	for _, m := range q.messages {
		switch {
		case len(out) == limit || m.visibleAt.After(now):
		case q.opts.DeadLetterQueue != "" && q.opts.MaxReceiveCount > 0 && m.ReceiveCount >= q.opts.MaxReceiveCount:
			if dlq, ok := a.queues[queueName(q.opts.DeadLetterQueue)]; ok { // the redrive policy moves it
				m.visibleAt = time.Time{}
				dlq.messages = append(dlq.messages, m)
				close(dlq.arrived)
				dlq.arrived = make(chan struct{})
				continue
			}
		default:
			m.ReceiveCount++
			m.visibleAt = now.Add(visibility)
			m.receipt = fmt.Sprintf("%s#%d", m.MessageID, m.ReceiveCount)
			m.ReceiptHandle = m.receipt
			out = append(out, m.QueueMessage)
		}
		kept = append(kept, m)
	}
	q.messages = kept
	return out, q.arrived, nil
}

// DeleteMessage removes the message a receipt handle names from the queue
// ref. An old handle of a message still there deletes it, as in SQS; a
// handle of no message is an error.
func (a *AWS) DeleteMessage(ref, receipt string) error {
	return a.withMessage(ref, receipt, func(q *queue, i int) {
		q.messages = append(q.messages[:i], q.messages[i+1:]...)
	})
}

// ChangeVisibility makes the received message visible again after d.
func (a *AWS) ChangeVisibility(ref, receipt string, d time.Duration) error {
	return a.withMessage(ref, receipt, func(q *queue, i int) { q.messages[i].visibleAt = time.Now().Add(d) })
}

func (a *AWS) withMessage(ref, receipt string, f func(q *queue, i int)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	q, ok := a.queues[queueName(ref)]
	if !ok {
		return errNoQueue(queueName(ref))
	}
	id, _, _ := strings.Cut(receipt, "#")
	for i, m := range q.messages {
		if m.MessageID == id {
			f(q, i)
			return nil
		}
	}
	return &SQSError{"ReceiptHandleIsInvalid", "The input receipt handle \"" + receipt + "\" is not a valid receipt handle."}
}

// QueueDepth counts a queue's messages: visible now, and received but not
// yet deleted (in flight).
func (a *AWS) QueueDepth(ref string) (visible, inFlight int, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	q, ok := a.queues[queueName(ref)]
	if !ok {
		return 0, 0, errNoQueue(queueName(ref))
	}
	now := time.Now()
	for _, m := range q.messages {
		if m.visibleAt.After(now) {
			inFlight++
		} else {
			visible++
		}
	}
	return visible, inFlight, nil
}

// Purge deletes every message of the queue ref.
func (a *AWS) Purge(ref string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	q, ok := a.queues[queueName(ref)]
	if !ok {
		return errNoQueue(queueName(ref))
	}
	q.messages = nil
	return nil
}
