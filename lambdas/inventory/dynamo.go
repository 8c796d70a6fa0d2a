package inventory

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDBAPI is the part of the DynamoDB client DynamoStore uses.
type DynamoDBAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// DynamoStore keeps stock in an inventory table keyed by sku (attribute
// stock) and reservations in a table keyed by orderId.
type DynamoStore struct {
	Client            DynamoDBAPI
	InventoryTable    string
	ReservationsTable string
}

var _ Store = (*DynamoStore)(nil)

// reservationRecord is a reservation as stored.
type reservationRecord struct {
	OrderID string `dynamodbav:"orderId"`
	Lines   []Line `dynamodbav:"lines"`
	Status  string `dynamodbav:"status"`
}

const (
	statusReserved = "RESERVED"
	statusReleased = "RELEASED"
)

// Reserve implements Store with one TransactWriteItems call: the reservation
// record (only if absent) and a conditional decrement per line.
func (s *DynamoStore) Reserve(ctx context.Context, orderID string, lines []Line) error {
	record, err := attributevalue.MarshalMap(reservationRecord{OrderID: orderID, Lines: lines, Status: statusReserved})
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{{Put: &types.Put{
		TableName:           aws.String(s.ReservationsTable),
		Item:                record,
		ConditionExpression: aws.String("attribute_not_exists(orderId)"),
	}}}
	for _, l := range lines {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(s.InventoryTable),
			Key:                       skuKey(l.SKU),
			UpdateExpression:          aws.String("SET stock = stock - :q"),
			ConditionExpression:       aws.String("attribute_exists(sku) AND stock >= :q"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":q": number(l.Quantity)},
		}})
	}
	_, err = s.Client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems:      items,
		ClientRequestToken: aws.String("reserve-" + orderID),
	})
	var mismatch *types.IdempotentParameterMismatchException
	if errors.As(err, &mismatch) {
		// The same order was reserved minutes ago with other lines.
		return &ReservationConflict{OrderID: orderID}
	}
	reasons, cancelled := cancellationCodes(err)
	if !cancelled {
		return err
	}
	if reasons[0] == "ConditionalCheckFailed" {
		existing, err := s.get(ctx, orderID)
		if err != nil {
			return err
		}
		if existing == nil || existing.Status != statusReserved || !sameLines(existing.Lines, lines) {
			return &ReservationConflict{OrderID: orderID}
		}
		return nil // reserved by an earlier attempt
	}
	var short []string
	for i, code := range reasons[1:] {
		if code == "ConditionalCheckFailed" {
			short = append(short, lines[i].SKU)
		}
	}
	if len(short) > 0 {
		return &OutOfStock{OrderID: orderID, SKUs: short}
	}
	return &InventoryBusy{OrderID: orderID}
}

// Release implements Store: the record moves RESERVED → RELEASED in the same
// transaction that adds each line's quantity back.
func (s *DynamoStore) Release(ctx context.Context, orderID string) (bool, error) {
	existing, err := s.get(ctx, orderID)
	if err != nil || existing == nil || existing.Status != statusReserved {
		return false, err
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName:                 aws.String(s.ReservationsTable),
		Key:                       map[string]types.AttributeValue{"orderId": &types.AttributeValueMemberS{Value: orderID}},
		UpdateExpression:          aws.String("SET #status = :released"),
		ConditionExpression:       aws.String("#status = :reserved"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":released": str(statusReleased), ":reserved": str(statusReserved)},
	}}}
	for _, l := range existing.Lines {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(s.InventoryTable),
			Key:                       skuKey(l.SKU),
			UpdateExpression:          aws.String("ADD stock :q"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":q": number(l.Quantity)},
		}})
	}
	_, err = s.Client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems:      items,
		ClientRequestToken: aws.String("release-" + orderID),
	})
	reasons, cancelled := cancellationCodes(err)
	switch {
	case !cancelled:
		return err == nil, err
	case reasons[0] == "ConditionalCheckFailed":
		return false, nil // released concurrently
	default:
		return false, &InventoryBusy{OrderID: orderID}
	}
}

func (s *DynamoStore) get(ctx context.Context, orderID string) (*reservationRecord, error) {
	out, err := s.Client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.ReservationsTable),
		Key:            map[string]types.AttributeValue{"orderId": &types.AttributeValueMemberS{Value: orderID}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return nil, err
	}
	var r reservationRecord
	if err := attributevalue.UnmarshalMap(out.Item, &r); err != nil {
		return nil, fmt.Errorf("decoding reservation of order %s: %w", orderID, err)
	}
	return &r, nil
}

// cancellationCodes returns the per-item cancellation codes of a cancelled
// transaction, in the order of its items.
func cancellationCodes(err error) ([]string, bool) {
	var cancelled *types.TransactionCanceledException
	if !errors.As(err, &cancelled) || len(cancelled.CancellationReasons) == 0 {
		return nil, false
	}
	codes := make([]string, len(cancelled.CancellationReasons))
	for i, r := range cancelled.CancellationReasons {
		codes[i] = aws.ToString(r.Code)
	}
	return codes, true
}

func skuKey(sku string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"sku": str(sku)}
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
