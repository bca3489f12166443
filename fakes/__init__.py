"""Local fakes of Discord (REST API and gateway) and of Slack (Web API, Socket Mode, response
URLs), served on 127.0.0.1 for the tests and the benchmarks: the real discord.py and slack-bolt
talk to them over real protocols."""
