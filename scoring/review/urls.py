"""The office's review pages (included in the scoring namespace)."""

from django.urls import path

from scoring.review import views as review

urlpatterns: list = [
    path("review/", review.review_queue, name="review_queue"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/approve/", review.review_approve, name="review_approve"),
    path("review/<int:pk>/return/", review.review_return, name="review_return"),
    path("review/<int:pk>/score/", review.review_score, name="review_score"),
    path("review/<int:pk>/not-applicable/", review.review_mark_na, name="review_mark_na"),
]
