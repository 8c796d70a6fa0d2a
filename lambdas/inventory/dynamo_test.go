package inventory

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// scriptedDynamo answers with prepared results and records the transactions.
type scriptedDynamo struct {
	item     map[string]types.AttributeValue
	txErr    error
	txInputs []*dynamodb.TransactWriteItemsInput
}

func (s *scriptedDynamo) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: s.item}, nil
}

func (s *scriptedDynamo) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	s.txInputs = append(s.txInputs, in)
	return &dynamodb.TransactWriteItemsOutput{}, s.txErr
}

func cancelled(codes ...string) error {
	reasons := make([]types.CancellationReason, len(codes))
	for i, c := range codes {
		reasons[i] = types.CancellationReason{Code: aws.String(c)}
	}
	return &types.TransactionCanceledException{CancellationReasons: reasons}
}

func reservationItem(t *testing.T, status string, lines []Line) map[string]types.AttributeValue {
	t.Helper()
	item, err := attributevalue.MarshalMap(reservationRecord{OrderID: "o1", Lines: lines, Status: status})
	if err != nil {
		t.Fatal(err)
	}
	return item
}

var twoLines = []Line{{"SKU-A", 2}, {"SKU-B", 1}}

func TestDynamoReserveBuildsOneConditionalTransaction(t *testing.T) {
	db := &scriptedDynamo{}
	store := &DynamoStore{Client: db, InventoryTable: "inv", ReservationsTable: "res"}
	if err := store.Reserve(context.Background(), "o1", twoLines); err != nil {
		t.Fatal(err)
	}
	tx := db.txInputs[0]
	if len(tx.TransactItems) != 3 || aws.ToString(tx.ClientRequestToken) != "reserve-o1" {
		t.Fatalf("transaction = %d items, token %q", len(tx.TransactItems), aws.ToString(tx.ClientRequestToken))
	}
	if c := aws.ToString(tx.TransactItems[0].Put.ConditionExpression); c != "attribute_not_exists(orderId)" {
		t.Errorf("reservation condition = %q", c)
	}
	upd := tx.TransactItems[1].Update
	if aws.ToString(upd.ConditionExpression) != "attribute_exists(sku) AND stock >= :q" ||
		upd.ExpressionAttributeValues[":q"].(*types.AttributeValueMemberN).Value != "2" {
		t.Errorf("line update = %s with %v", aws.ToString(upd.ConditionExpression), upd.ExpressionAttributeValues)
	}
}

func TestDynamoReserveMapsCancellation(t *testing.T) {
	tests := []struct {
		name string
		err  error
		item map[string]types.AttributeValue
		want any
		skus []string
	}{
		{"second line short", cancelled("None", "None", "ConditionalCheckFailed"), nil, new(*OutOfStock), []string{"SKU-B"}},
		{"both short", cancelled("None", "ConditionalCheckFailed", "ConditionalCheckFailed"), nil, new(*OutOfStock), []string{"SKU-A", "SKU-B"}},
		{"write conflict", cancelled("None", "TransactionConflict", "None"), nil, new(*InventoryBusy), nil},
		{"reserved with other lines", cancelled("ConditionalCheckFailed", "None", "None"), reservationItem(t, statusReserved, twoLines[:1]), new(*ReservationConflict), nil},
		{"released before", cancelled("ConditionalCheckFailed", "None", "None"), reservationItem(t, statusReleased, twoLines), new(*ReservationConflict), nil},
		{"token reused with other lines", &types.IdempotentParameterMismatchException{}, nil, new(*ReservationConflict), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &DynamoStore{Client: &scriptedDynamo{txErr: tt.err, item: tt.item}, InventoryTable: "inv", ReservationsTable: "res"}
			err := store.Reserve(context.Background(), "o1", twoLines)
			if !errors.As(err, tt.want) {
				t.Fatalf("err = %v (%T), want %T", err, err, tt.want)
			}
			var oos *OutOfStock
			if errors.As(err, &oos) && !reflect.DeepEqual(oos.SKUs, tt.skus) {
				t.Errorf("SKUs = %v, want %v", oos.SKUs, tt.skus)
			}
		})
	}
}

func TestDynamoReserveRetryAfterSuccessIsSuccess(t *testing.T) {
	db := &scriptedDynamo{txErr: cancelled("ConditionalCheckFailed", "None", "None"), item: reservationItem(t, statusReserved, twoLines)}
	store := &DynamoStore{Client: db, InventoryTable: "inv", ReservationsTable: "res"}
	if err := store.Reserve(context.Background(), "o1", twoLines); err != nil {
		t.Errorf("retry of a committed reservation = %v, want nil", err)
	}
}

func TestDynamoRelease(t *testing.T) {
	ctx := context.Background()
	db := &scriptedDynamo{item: reservationItem(t, statusReserved, twoLines)}
	store := &DynamoStore{Client: db, InventoryTable: "inv", ReservationsTable: "res"}
	released, err := store.Release(ctx, "o1")
	if err != nil || !released {
		t.Fatalf("Release = %v, %v", released, err)
	}
	tx := db.txInputs[0]
	if len(tx.TransactItems) != 3 || aws.ToString(tx.TransactItems[2].Update.UpdateExpression) != "ADD stock :q" {
		t.Errorf("release transaction = %+v", tx.TransactItems)
	}

	for name, db := range map[string]*scriptedDynamo{
		"no reservation":        {},
		"already released":      {item: reservationItem(t, statusReleased, twoLines)},
		"released concurrently": {item: reservationItem(t, statusReserved, twoLines), txErr: cancelled("ConditionalCheckFailed", "None", "None")},
	} {
		store := &DynamoStore{Client: db, InventoryTable: "inv", ReservationsTable: "res"}
		if released, err := store.Release(ctx, "o1"); err != nil || released {
			t.Errorf("%s: Release = %v, %v; want false, nil", name, released, err)
		}
	}
}
