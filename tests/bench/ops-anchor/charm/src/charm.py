#!/usr/bin/env python3
"""A minimal ops charm with the reads and status of charmed-etcd's quiet update-status.

update-status: leadership, config, the peer relation's unit and app data and the
peers' data, the peer binding's address, an app secret's content, the opened
ports, then unit and (leader) app status. install: the leader creates that secret
and names it in the app databag, as charmed-etcd does with its credentials.
"""

import ops


class AnchorCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.cluster_relation_created, self._on_created)

    def _on_created(self, _: ops.RelationCreatedEvent) -> None:
        relation = self.model.get_relation("cluster")
        if self.unit.is_leader() and relation is not None and "credentials" not in relation.data[self.app]:
            secret = self.app.add_secret({"password": "anchor"}, label="credentials")
            relation.data[self.app]["credentials"] = secret.id or ""
        self.unit.status = ops.ActiveStatus()

    def _on_update_status(self, _: ops.UpdateStatusEvent) -> None:
        leader = self.unit.is_leader()
        note = self.config.get("note")
        relation = self.model.get_relation("cluster")
        if relation is None:
            self.unit.status = ops.WaitingStatus("no peer relation")
            return
        own = dict(relation.data[self.unit])
        app = dict(relation.data[self.app])
        peers = [dict(relation.data[unit]) for unit in relation.units]
        binding = self.model.get_binding("cluster")
        address = binding.network.bind_address if binding is not None else None
        credentials = app.get("credentials")
        password = self.model.get_secret(id=credentials).get_content().get("password") if credentials else None
        ports = self.unit.opened_ports()
        ready = all(v is not None for v in (note, address, password)) and own is not None and peers is not None and ports is not None
        self.unit.status = ops.ActiveStatus() if ready else ops.WaitingStatus("not ready")
        if leader:
            self.app.status = self.unit.status


if __name__ == "__main__":
    ops.main(AnchorCharm)
