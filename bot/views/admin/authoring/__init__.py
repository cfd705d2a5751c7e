"""The admin's authoring screens, by feature: modules, lessons, exercises, the dialogs' questions
and a lesson's preview made of the learner's own views."""
