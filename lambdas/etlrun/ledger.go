package etlrun

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDBAPI is the part of the DynamoDB client the ledger uses.
type DynamoDBAPI interface {
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// DynamoLedger is the run ledger in a DynamoDB table keyed by runDate. The
// workflow's FinishRun and MarkRunFailed states update the same items.
type DynamoLedger struct {
	Client DynamoDBAPI
	Table  string
}

var _ Ledger = (*DynamoLedger)(nil)

// Claim implements Ledger with one conditional update; a refused claim
// returns the item as it stood, from the same call.
func (l *DynamoLedger) Claim(ctx context.Context, runDate, executionID string, now, staleBefore time.Time) (*Entry, error) {
	_, err := l.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(l.Table),
		Key:              map[string]types.AttributeValue{"runDate": &types.AttributeValueMemberS{Value: runDate}},
		UpdateExpression: aws.String("SET #status = :running, executionId = :me, startedAt = :now ADD attempts :one"),
		ConditionExpression: aws.String("attribute_not_exists(runDate) OR #status = :failed OR executionId = :me" +
			" OR (#status = :running AND startedAt < :stale)"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":running": &types.AttributeValueMemberS{Value: StatusRunning},
			":failed":  &types.AttributeValueMemberS{Value: StatusFailed},
			":me":      &types.AttributeValueMemberS{Value: executionID},
			":now":     &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339)},
			":stale":   &types.AttributeValueMemberS{Value: staleBefore.UTC().Format(time.RFC3339)},
			":one":     &types.AttributeValueMemberN{Value: "1"},
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var refused *types.ConditionalCheckFailedException
	if errors.As(err, &refused) {
		var e Entry
		if err := attributevalue.UnmarshalMap(refused.Item, &e); err != nil {
			return nil, err
		}
		return &e, nil
	}
	return nil, err
}

// MemoryLedger is an in-memory Ledger for tests and local runs. The zero
// value is empty; it is safe for concurrent use.
type MemoryLedger struct {
	mu      sync.Mutex
	entries map[string]Entry
}

var _ Ledger = (*MemoryLedger)(nil)

// Claim implements Ledger.
func (m *MemoryLedger) Claim(_ context.Context, runDate, executionID string, now, staleBefore time.Time) (*Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, exists := m.entries[runDate]
	startedAt, _ := time.Parse(time.RFC3339, e.StartedAt)
	if exists && e.Status != StatusFailed && e.ExecutionID != executionID &&
		!(e.Status == StatusRunning && startedAt.Before(staleBefore)) {
		return &e, nil
	}
	if m.entries == nil {
		m.entries = make(map[string]Entry)
	}
	m.entries[runDate] = Entry{RunDate: runDate, Status: StatusRunning, ExecutionID: executionID, StartedAt: now.UTC().Format(time.RFC3339)}
	return nil, nil
}

// SetStatus records an outcome, as the workflow's FinishRun and
// MarkRunFailed states do.
func (m *MemoryLedger) SetStatus(runDate, status string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[runDate]
	e.RunDate, e.Status = runDate, status
	if m.entries == nil {
		m.entries = make(map[string]Entry)
	}
	m.entries[runDate] = e
}

// Entry returns a run date's entry.
func (m *MemoryLedger) Entry(runDate string) (Entry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[runDate]
	return e, ok
}
