package storage_test

import (
	"context"
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

func TestMapErrorNamesTheThingInTheUsersLanguage(t *testing.T) {
	dup := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error"}}}
	tests := []struct {
		name, what string
		err        error
		kind       apperr.Kind
		code       string
		vi, en     string
	}{
		{"not found", "fair", mongo.ErrNoDocuments, apperr.NotFound, "not_found", "Không tìm thấy hội chợ.", "The fair was not found."},
		{"a plural name", "applications", mongo.ErrNoDocuments, apperr.NotFound, "not_found", "Không tìm thấy đơn đăng ký tham gia.", "The application was not found."},
		{"a name with its identifier", "booth A-12", mongo.ErrNoDocuments, apperr.NotFound, "not_found", "Không tìm thấy gian hàng A-12.", "The booth A-12 was not found."},
		{"a name not in the table", "widget", mongo.ErrNoDocuments, apperr.NotFound, "not_found", "Không tìm thấy dữ liệu.", "The record was not found."},
		{"duplicate", "account", dup, apperr.Conflict, "already_exists", "Tài khoản này đã tồn tại.", "This account already exists."},
		{"unreachable", "fair", context.DeadlineExceeded, apperr.Unavailable, "database_unavailable",
			"Tạm thời không kết nối được cơ sở dữ liệu; hãy thử lại sau giây lát.", "The database is not reachable right now; try again shortly."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := storage.MapError(tt.err, tt.what)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Err == nil {
				t.Fatalf("MapError(%v, %q) = %v, want a %s error wrapping it", tt.err, tt.what, err, tt.kind)
			}
			if e.Code() != tt.code || e.Detail(apperr.Vietnamese) != tt.vi || e.Detail(apperr.English) != tt.en {
				t.Errorf("MapError(%q) = %s %q / %q, want %s %q / %q", tt.what, e.Code(), e.Detail(apperr.Vietnamese), e.Detail(apperr.English), tt.code, tt.vi, tt.en)
			}
		})
	}
}
