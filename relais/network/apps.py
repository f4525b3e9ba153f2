from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "relais.network"
    label = "network"
    verbose_name = "Coordination et réseau partenarial"

    def ready(self) -> None:
        # Co-following professionals' access to a person's record is decided by the
        # coordination wing; `people` (a lower layer) asks it through this seam.
        from relais.network.coordination import sharing
        from relais.network.referrals import closing as referral_closing
        from relais.pathways import closing
        from relais.people import cofollowing

        cofollowing.register(sharing)
        # Closing a pathway cancels its open referrals (a layer above pathways).
        closing.register(referral_closing)
