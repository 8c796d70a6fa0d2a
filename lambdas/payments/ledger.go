package payments

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDBAPI is the part of the DynamoDB client the ledger uses.
type DynamoDBAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// DynamoLedger keeps payment records in a DynamoDB table keyed by orderId.
type DynamoLedger struct {
	Client DynamoDBAPI
	Table  string
}

var _ Ledger = (*DynamoLedger)(nil)

// Get implements Ledger with a strongly consistent read, so a retry sees the
// write of the attempt before it.
func (l *DynamoLedger) Get(ctx context.Context, orderID string) (*Record, error) {
	out, err := l.Client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(l.Table),
		Key:            map[string]types.AttributeValue{"orderId": &types.AttributeValueMemberS{Value: orderID}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	if out.Item == nil {
		return nil, nil
	}
	var r Record
	if err := attributevalue.UnmarshalMap(out.Item, &r); err != nil {
		return nil, fmt.Errorf("decoding payment record of order %s: %w", orderID, err)
	}
	return &r, nil
}

// Create implements Ledger with a conditional put.
func (l *DynamoLedger) Create(ctx context.Context, r Record) (*Record, error) {
	item, err := attributevalue.MarshalMap(r)
	if err != nil {
		return nil, err
	}
	_, err = l.Client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(l.Table),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(orderId)"),
	})
	var conflict *types.ConditionalCheckFailedException
	if errors.As(err, &conflict) {
		return l.Get(ctx, r.OrderID)
	}
	return nil, err
}

// MarkRefunded implements Ledger with a conditional update.
func (l *DynamoLedger) MarkRefunded(ctx context.Context, orderID string) error {
	_, err := l.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(l.Table),
		Key:                      map[string]types.AttributeValue{"orderId": &types.AttributeValueMemberS{Value: orderID}},
		UpdateExpression:         aws.String("SET #status = :refunded"),
		ConditionExpression:      aws.String("#status = :charged"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":refunded": &types.AttributeValueMemberS{Value: string(StatusRefunded)},
			":charged":  &types.AttributeValueMemberS{Value: string(StatusCharged)},
		},
	})
	var conflict *types.ConditionalCheckFailedException
	if errors.As(err, &conflict) {
		return ErrNotCharged
	}
	return err
}

// MemoryLedger is an in-memory Ledger for tests and local runs.
// The zero value is ready to use and safe for concurrent use.
type MemoryLedger struct {
	mu      sync.Mutex
	records map[string]Record
}

var _ Ledger = (*MemoryLedger)(nil)

// Get implements Ledger.
func (l *MemoryLedger) Get(_ context.Context, orderID string) (*Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.records[orderID]; ok {
		return &r, nil
	}
	return nil, nil
}

// Create implements Ledger.
func (l *MemoryLedger) Create(_ context.Context, r Record) (*Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if existing, ok := l.records[r.OrderID]; ok {
		return &existing, nil
	}
	if l.records == nil {
		l.records = make(map[string]Record)
	}
	l.records[r.OrderID] = r
	return nil, nil
}

// MarkRefunded implements Ledger.
func (l *MemoryLedger) MarkRefunded(_ context.Context, orderID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.records[orderID]
	if !ok || r.Status != StatusCharged {
		return ErrNotCharged
	}
	r.Status = StatusRefunded
	l.records[orderID] = r
	return nil
}
