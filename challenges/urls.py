from django.urls import path

from . import views

urlpatterns = [
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/<slug:slug>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<slug:slug>/history/", views.challenge_history, name="challenge-history"),
    path("challenges/<slug:slug>/leaderboard/", views.challenge_leaderboard, name="challenge-leaderboard"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission-detail"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
]
